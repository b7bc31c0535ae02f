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

void max_pool_claim(const int32_t* args, int claim) {
  const PoolArgs* p = (const PoolArgs*)args;
  const int C = p->C, rows = p->B * p->OH;
  const int r0 = claim * p->perClaim, r1 = imin(rows, r0 + p->perClaim);
  const f4 ninf = wasm_f32x4_splat(-__builtin_inff());
  for (int row = r0; row < r1; row++) {
    const int b = row / p->OH, oh = row - b * p->OH;
    for (int ow = 0; ow < p->OW; ow++) {
      float* out = p->y + (row * p->OW + ow) * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        f4 best = ninf;
        for (int i = 0; i < p->fh; i++) {
          const int iy = oh * p->sh - p->pt + i * p->dh;
          if (iy < 0 || iy >= p->H) continue;
          for (int j = 0; j < p->fw; j++) {
            const int ix = ow * p->sw - p->pl + j * p->dw;
            if (ix < 0 || ix >= p->W) continue;
            const f4 v = LD(p->x + ((b * p->H + iy) * p->W + ix) * C + c);
            best = wasm_v128_bitselect(v, best, wasm_f32x4_gt(v, best));
          }
        }
        ST(out + c, best);
      }
      for (; c < C; c++) {
        float best = -__builtin_inff();
        for (int i = 0; i < p->fh; i++) {
          const int iy = oh * p->sh - p->pt + i * p->dh;
          if (iy < 0 || iy >= p->H) continue;
          for (int j = 0; j < p->fw; j++) {
            const int ix = ow * p->sw - p->pl + j * p->dw;
            if (ix < 0 || ix >= p->W) continue;
            const float v = p->x[((b * p->H + iy) * p->W + ix) * C + c];
            if (v > best) best = v;
          }
        }
        out[c] = best;
      }
    }
  }
}

void max_pool_grad_claim(const int32_t* args, int claim) {
  const PoolArgs* p = (const PoolArgs*)args;
  const int C = p->C, image = p->H * p->W * C;
  const int b0 = claim * p->perClaim, b1 = imin(p->B, b0 + p->perClaim);
  const f4 ninf = wasm_f32x4_splat(-__builtin_inff());
  for (int b = b0; b < b1; b++) {
    float* dx = p->dx + b * image;
    for (int i = 0; i < image; i++) dx[i] = 0.0f;
    for (int oh = 0; oh < p->OH; oh++)
      for (int ow = 0; ow < p->OW; ow++) {
        const float* g = p->dy + ((b * p->OH + oh) * p->OW + ow) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          f4 best = ninf;
          v128_t where = wasm_i32x4_splat(-1);
          for (int i = 0; i < p->fh; i++) {
            const int iy = oh * p->sh - p->pt + i * p->dh;
            if (iy < 0 || iy >= p->H) continue;
            for (int j = 0; j < p->fw; j++) {
              const int ix = ow * p->sw - p->pl + j * p->dw;
              if (ix < 0 || ix >= p->W) continue;
              const int at = (iy * p->W + ix) * C + c;
              const f4 v = LD(p->x + b * image + at);
              const v128_t more = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, more);
              where = wasm_v128_bitselect(wasm_i32x4_splat(at), where, more);
            }
          }
          int32_t w[4];
          float gv[4];
          wasm_v128_store(w, where);
          wasm_v128_store(gv, LD(g + c));
          for (int l = 0; l < 4; l++)
            if (w[l] >= 0) dx[w[l] + l] += gv[l];
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          int where = -1;
          for (int i = 0; i < p->fh; i++) {
            const int iy = oh * p->sh - p->pt + i * p->dh;
            if (iy < 0 || iy >= p->H) continue;
            for (int j = 0; j < p->fw; j++) {
              const int ix = ow * p->sw - p->pl + j * p->dw;
              if (ix < 0 || ix >= p->W) continue;
              const int at = (iy * p->W + ix) * C + c;
              const float v = p->x[b * image + at];
              if (v > best) best = v, where = at;
            }
          }
          if (where >= 0) dx[where] += g[c];
        }
      }
  }
}
