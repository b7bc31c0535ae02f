// Max pooling over NHWC tensors and its gradient. Each window's first strict maximum wins (as in
// tfjs's cpu backend); the gradient goes to that element. Forward claims are output rows; gradient
// claims are whole images, since overlapping windows add into the same input element.
#include "mlgym.h"

typedef struct {
  const float* x;
  float* y;          // forward: output; gradient: unused
  const float* dy;   // gradient only
  float* dx;         // gradient only
  int32_t B, H, W, C, OH, OW, fh, fw, sh, sw, dh, dw, pt, pl, perClaim;
} PoolArgs;

/** Offsets (in floats, from the image's start) of the taps of one output pixel's window that lie inside the input. */
static int window_taps(const PoolArgs* p, int oh, int ow, int* taps) {
  int n = 0;
  for (int i = 0; i < p->fh; i++) {
    const int iy = oh * p->sh - p->pt + i * p->dh;
    if (iy < 0 || iy >= p->H) continue;
    for (int j = 0; j < p->fw; j++) {
      const int ix = ow * p->sw - p->pl + j * p->dw;
      if (ix >= 0 && ix < p->W) taps[n++] = (iy * p->W + ix) * p->C;
    }
  }
  return n;
}

#define MAX_POOL_TAPS 256  // fh*fw; the JS side falls back to tfjs beyond it

void max_pool_claim(const int32_t* args, int claim) {
  const PoolArgs* p = (const PoolArgs*)args;
  const int C = p->C, rows = p->B * p->OH, image = p->H * p->W * C;
  const int r0 = claim * p->perClaim, r1 = imin(rows, r0 + p->perClaim);
  const f4 ninf = wasm_f32x4_splat(-__builtin_inff());
  int taps[MAX_POOL_TAPS];
  for (int row = r0; row < r1; row++) {
    const int b = row / p->OH, oh = row - b * p->OH;
    const float* x = p->x + b * image;
    for (int ow = 0; ow < p->OW; ow++) {
      const int n = window_taps(p, oh, ow, taps);
      float* out = p->y + (row * p->OW + ow) * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        f4 best = ninf;
        for (int t = 0; t < n; t++) {
          const f4 v = LD(x + taps[t] + c);
          best = wasm_v128_bitselect(v, best, wasm_f32x4_gt(v, best));
        }
        ST(out + c, best);
      }
      for (; c < C; c++) {
        float best = -__builtin_inff();
        for (int t = 0; t < n; t++) {
          const float v = x[taps[t] + c];
          if (v > best) best = v;
        }
        out[c] = best;
      }
    }
  }
}

/**
 * Windows that tile the input exactly (stride = size, no padding, nothing left over): every input
 * element lies in one window, so dx is written once, dy where the element is its window's first
 * maximum and 0 elsewhere, with no zeroing pass and no scattered adds.
 */
static void max_pool_grad_tiled(const PoolArgs* p, int b, int* taps) {
  const int C = p->C, image = p->H * p->W * C;
  float* dx = p->dx + b * image;
  const float* x = p->x + b * image;
  const f4 ninf = wasm_f32x4_splat(-__builtin_inff());
  for (int oh = 0; oh < p->OH; oh++)
    for (int ow = 0; ow < p->OW; ow++) {
      const int n = window_taps(p, oh, ow, taps);
      const float* g = p->dy + ((b * p->OH + oh) * p->OW + ow) * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        f4 best = ninf;
        for (int t = 0; t < n; t++) {
          const f4 v = LD(x + taps[t] + c);
          best = wasm_v128_bitselect(v, best, wasm_f32x4_gt(v, best));
        }
        // The first tap equal to the maximum takes dy (none when the window holds only NaN or -inf).
        const f4 gv = LD(g + c);
        v128_t taken = wasm_f32x4_eq(best, ninf);
        for (int t = 0; t < n; t++) {
          const v128_t first = wasm_v128_andnot(wasm_f32x4_eq(LD(x + taps[t] + c), best), taken);
          taken = wasm_v128_or(taken, first);
          ST(dx + taps[t] + c, wasm_v128_and(gv, first));
        }
      }
      for (; c < C; c++) {
        float best = -__builtin_inff();
        int where = -1;
        for (int t = 0; t < n; t++) {
          const float v = x[taps[t] + c];
          if (v > best) best = v, where = t;
        }
        for (int t = 0; t < n; t++) dx[taps[t] + c] = t == where ? g[c] : 0.0f;
      }
    }
}

void max_pool_grad_claim(const int32_t* args, int claim) {
  const PoolArgs* p = (const PoolArgs*)args;
  const int C = p->C, image = p->H * p->W * C;
  const int b0 = claim * p->perClaim, b1 = imin(p->B, b0 + p->perClaim);
  const f4 ninf = wasm_f32x4_splat(-__builtin_inff());
  int taps[MAX_POOL_TAPS];
  const int tiled = p->sh == p->fh && p->sw == p->fw && p->dh == 1 && p->dw == 1 && p->pt == 0 && p->pl == 0 &&
                    p->OH * p->sh == p->H && p->OW * p->sw == p->W;
  for (int b = b0; b < b1; b++) {
    if (tiled) {
      max_pool_grad_tiled(p, b, taps);
      continue;
    }
    float* dx = p->dx + b * image;
    const float* x = p->x + b * image;
    for (int i = 0; i < image; i++) dx[i] = 0.0f;
    for (int oh = 0; oh < p->OH; oh++)
      for (int ow = 0; ow < p->OW; ow++) {
        const int n = window_taps(p, oh, ow, taps);
        const float* g = p->dy + ((b * p->OH + oh) * p->OW + ow) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          f4 best = ninf;
          v128_t where = wasm_i32x4_splat(-1);
          for (int t = 0; t < n; t++) {
            const f4 v = LD(x + taps[t] + c);
            const v128_t more = wasm_f32x4_gt(v, best);
            best = wasm_v128_bitselect(v, best, more);
            where = wasm_v128_bitselect(wasm_i32x4_splat(taps[t] + c), where, more);
          }
          const int w0 = wasm_i32x4_extract_lane(where, 0), w1 = wasm_i32x4_extract_lane(where, 1);
          const int w2 = wasm_i32x4_extract_lane(where, 2), w3 = wasm_i32x4_extract_lane(where, 3);
          if (w0 >= 0) dx[w0] += g[c];
          if (w1 >= 0) dx[w1 + 1] += g[c + 1];
          if (w2 >= 0) dx[w2 + 2] += g[c + 2];
          if (w3 >= 0) dx[w3 + 3] += g[c + 3];
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          int where = -1;
          for (int t = 0; t < n; t++) {
            const float v = x[taps[t] + c];
            if (v > best) best = v, where = taps[t] + c;
          }
          if (where >= 0) dx[where] += g[c];
        }
      }
  }
}
