// 2-D convolutions over NHWC tensors as implicit GEMMs: no im2col buffer, the input is read in
// place through per-tile pointer lists. One kernel serves the forward pass and, as a transposed
// convolution (input dilated by the stride, filter flipped), the input gradient; a second computes
// the filter gradient.
#include "mlgym.h"

/** Arguments of conv_claim (int32 slots of the job; the JS side writes them in this order). */
typedef struct {
  const float* x;     // input [B, H, W, C]
  const float* w;     // filter packed in panels of 8 outputs: [ceil(O/8)][KH*KW*C][8], zero-padded
  const float* bias;  // [O] or null
  float* y;           // output [B, OH, OW, O]
  const float* zeros; // KW*C zeros, read for taps outside the input
  int32_t B, H, W, C, OH, OW, O, KH, KW, sh, sw, dh, dw, pt, pl;
  int32_t ih, iw;     // input dilation: virtual row v is input row v/ih when v % ih == 0
  int32_t relu;       // 1: max(0, ·) after the bias
  int32_t tilesPerClaim;
} ConvArgs;

#define MAXSEG 128  // taps per tile (KH*KW); the JS side falls back to tfjs beyond it

typedef struct {
  const float* p[4];
  int32_t len;
  int32_t koff;
} Seg;

/** Input row of virtual coordinate v, or -1 outside the input or between dilated rows. */
static inline int real_index(int v, int dil, int n) {
  if (v < 0) return -1;
  if (dil != 1) {
    if (v % dil) return -1;
    v /= dil;
  }
  return v < n ? v : -1;
}

/** Where the tile's four output pixels (the last repeated past M) start their windows. */
typedef struct {
  int b[4], vy[4], vx[4];
} TilePos;

static void tile_position(const ConvArgs* c, int m0, int M, int* b, int* oh, int* ow, TilePos* t) {
  // (b, oh, ow) of m0 on entry; advanced by four pixels on return.
  int pb = *b, ph = *oh, pw = *ow;
  for (int r = 0; r < 4; r++) {
    t->b[r] = pb;
    t->vy[r] = ph * c->sh - c->pt;
    t->vx[r] = pw * c->sw - c->pl;
    if (m0 + r + 1 < M && ++pw == c->OW) {
      pw = 0;
      if (++ph == c->OH) ph = 0, pb++;
    }
  }
  if (m0 + 4 < M) *b = pb, *oh = ph, *ow = pw;
}

static int build_segments(const ConvArgs* c, const TilePos* t, Seg* segs) {
  const int* b = t->b;
  const int* vy = t->vy;
  const int* vx = t->vx;
  const int C = c->C, KW = c->KW;
  const int spans = c->dw == 1 && c->iw == 1;
  int n = 0;
  for (int i = 0; i < c->KH; i++) {
    int iy[4];
    for (int r = 0; r < 4; r++) iy[r] = real_index(vy[r] + i * c->dh, c->ih, c->H);
    if (iy[0] < 0 && iy[1] < 0 && iy[2] < 0 && iy[3] < 0) continue;
    if (spans) {
      // One segment of KW*C contiguous values per row when every tap of the kernel row is inside.
      int whole = 1;
      for (int r = 0; r < 4; r++)
        if (iy[r] >= 0 && (vx[r] < 0 || vx[r] + KW - 1 >= c->W)) whole = 0;
      if (whole) {
        Seg* s = &segs[n++];
        for (int r = 0; r < 4; r++)
          s->p[r] = iy[r] < 0 ? c->zeros : c->x + ((b[r] * c->H + iy[r]) * c->W + vx[r]) * C;
        s->len = KW * C;
        s->koff = i * KW * C;
        continue;
      }
    }
    for (int j = 0; j < KW; j++) {
      Seg* s = &segs[n];
      int any = 0;
      for (int r = 0; r < 4; r++) {
        int ix = iy[r] < 0 ? -1 : real_index(vx[r] + j * c->dw, c->iw, c->W);
        if (ix < 0) {
          s->p[r] = c->zeros;
        } else {
          s->p[r] = c->x + ((b[r] * c->H + iy[r]) * c->W + ix) * C;
          any = 1;
        }
      }
      if (!any) continue;
      s->len = C;
      s->koff = (i * KW + j) * C;
      n++;
    }
  }
  return n;
}

static void store_tile(float* dst, f4 v0, f4 v1, int lanes) {
  if (lanes == 8) {
    ST(dst, v0);
    ST(dst + 4, v1);
    return;
  }
  float t[8];
  ST(t, v0);
  ST(t + 4, v1);
  for (int i = 0; i < lanes; i++) dst[i] = t[i];
}

/** Tiles whose whole window (all taps and channels) is at most this long are gathered into a small buffer. */
#define SMALL_K 32

void conv_claim(const int32_t* args, int claim) {
  const ConvArgs* c = (const ConvArgs*)args;
  const int M = c->B * c->OH * c->OW, tiles = (M + 3) / 4;
  const int K = c->KH * c->KW * c->C, panels = (c->O + 7) / 8;
  const int t0 = claim * c->tilesPerClaim, t1 = imin(tiles, t0 + c->tilesPerClaim);
  const int small = K <= SMALL_K;
  Seg segs[MAXSEG];
  float gathered[4 * SMALL_K];
  const int per = c->OH * c->OW;
  int pb = (t0 * 4) / per, rem = t0 * 4 - pb * per, ph = rem / c->OW, pw = rem - ph * c->OW;
  for (int t = t0; t < t1; t++) {
    const int m0 = t * 4;
    TilePos pos;
    tile_position(c, m0, M, &pb, &ph, &pw, &pos);
    int nseg = 0;
    if (small) {
      // The tile's windows as [K][4]: a few scalar loads instead of a segment per tap.
      for (int i = 0, k = 0; i < c->KH; i++)
        for (int j = 0; j < c->KW; j++)
          for (int ci = 0; ci < c->C; ci++, k++)
            for (int r = 0; r < 4; r++) {
              const int iy = real_index(pos.vy[r] + i * c->dh, c->ih, c->H);
              const int ix = iy < 0 ? -1 : real_index(pos.vx[r] + j * c->dw, c->iw, c->W);
              gathered[k * 4 + r] = ix < 0 ? 0.0f : c->x[((pos.b[r] * c->H + iy) * c->W + ix) * c->C + ci];
            }
    } else {
      nseg = build_segments(c, &pos, segs);
    }
    for (int p = 0; p < panels; p++) {
      const float* wpanel = c->w + p * K * 8;
      f4 a0 = ZERO4, a1 = ZERO4, b0 = ZERO4, b1 = ZERO4, c0 = ZERO4, c1 = ZERO4, d0 = ZERO4, d1 = ZERO4;
      if (small) {
        const float* wp = wpanel;
        const float* g = gathered;
        for (int k = 0; k < K; k++) {
          const f4 w0 = LD(wp), w1 = LD(wp + 4);
          wp += 8;
          f4 v = SPLAT(g);
          MAC(a0, v, w0);
          MAC(a1, v, w1);
          v = SPLAT(g + 1);
          MAC(b0, v, w0);
          MAC(b1, v, w1);
          v = SPLAT(g + 2);
          MAC(c0, v, w0);
          MAC(c1, v, w1);
          v = SPLAT(g + 3);
          MAC(d0, v, w0);
          MAC(d1, v, w1);
          g += 4;
        }
      }
      for (int s = 0; s < nseg; s++) {
        const float* p0 = segs[s].p[0];
        const float* p1 = segs[s].p[1];
        const float* p2 = segs[s].p[2];
        const float* p3 = segs[s].p[3];
        const float* wp = wpanel + segs[s].koff * 8;
        const int len = segs[s].len;
        for (int l = 0; l < len; l++) {
          const f4 w0 = LD(wp), w1 = LD(wp + 4);
          wp += 8;
          f4 v = SPLAT(p0 + l);
          MAC(a0, v, w0);
          MAC(a1, v, w1);
          v = SPLAT(p1 + l);
          MAC(b0, v, w0);
          MAC(b1, v, w1);
          v = SPLAT(p2 + l);
          MAC(c0, v, w0);
          MAC(c1, v, w1);
          v = SPLAT(p3 + l);
          MAC(d0, v, w0);
          MAC(d1, v, w1);
        }
      }
      const int n0 = p * 8, lanes = imin(8, c->O - n0);
      if (c->bias) {
        float bb[8];
        for (int i = 0; i < 8; i++) bb[i] = i < lanes ? c->bias[n0 + i] : 0.0f;
        const f4 q0 = LD(bb), q1 = LD(bb + 4);
        a0 = wasm_f32x4_add(a0, q0), a1 = wasm_f32x4_add(a1, q1);
        b0 = wasm_f32x4_add(b0, q0), b1 = wasm_f32x4_add(b1, q1);
        c0 = wasm_f32x4_add(c0, q0), c1 = wasm_f32x4_add(c1, q1);
        d0 = wasm_f32x4_add(d0, q0), d1 = wasm_f32x4_add(d1, q1);
      }
      if (c->relu) {
        a0 = relu4(a0), a1 = relu4(a1), b0 = relu4(b0), b1 = relu4(b1);
        c0 = relu4(c0), c1 = relu4(c1), d0 = relu4(d0), d1 = relu4(d1);
      }
      float* y = c->y + m0 * c->O + n0;
      store_tile(y, a0, a1, lanes);
      if (m0 + 1 < M) store_tile(y + c->O, b0, b1, lanes);
      if (m0 + 2 < M) store_tile(y + 2 * c->O, c0, c1, lanes);
      if (m0 + 3 < M) store_tile(y + 3 * c->O, d0, d1, lanes);
    }
  }
}

/** Arguments of conv_filter_claim. */
typedef struct {
  const float* x;   // input [B, H, W, C]
  const float* dy;  // output gradient [B, OH, OW, ld] (ld >= O, and ld % 8 == 0 or O % 8 == 0)
  float* partial;   // per claim: [ceil(K/4)*4][ceil(O/8)*8] sums of its pixels
  int32_t unused;
  int32_t B, H, W, C, OH, OW, O, KH, KW, sh, sw, dh, dw_, pt, pl;
  int32_t ld;
  int32_t rowsPerClaim;  // output rows (b, oh) per claim
} FilterArgs;

#define ROWS_PER_VISIT 4

/**
 * Partial filter gradient of one block of output rows: dW[k, o] = Σ over its pixels of
 * x(pixel, k) · dy(pixel, o), k = (tap, channel), in 4×8 tiles. The block's pixels are visited a
 * few output rows at a time, every tile updated while those rows of dy and x are in cache;
 * filter_reduce then adds the blocks' sums in block order.
 */
void conv_filter_claim(const int32_t* args, int claim) {
  const FilterArgs* f = (const FilterArgs*)args;
  const int C = f->C, O = f->O, KW = f->KW;
  const int K = f->KH * KW * C, rowTiles = (K + 3) / 4, panels = (O + 7) / 8, ldp = panels * 8;
  const int outRows = f->B * f->OH;
  const int r0 = claim * f->rowsPerClaim, r1 = imin(outRows, r0 + f->rowsPerClaim);
  float* part = f->partial + claim * rowTiles * 4 * ldp;
  for (int row0 = r0; row0 < r1; row0 += ROWS_PER_VISIT) {
    const int row1 = imin(r1, row0 + ROWS_PER_VISIT);
    for (int rt = 0; rt < rowTiles; rt++) {
      // Per row of the tile: its tap (i, j), channel, and offset from the pixel's window origin.
      int ki[4], kj[4], kc[4], off[4];
      for (int r = 0; r < 4; r++) {
        const int k = imin(rt * 4 + r, K - 1), tap = k / C;
        kc[r] = k - tap * C;
        ki[r] = tap / KW;
        kj[r] = tap - ki[r] * KW;
        off[r] = ((ki[r] * f->dh) * f->W + kj[r] * f->dw_) * C + kc[r];
      }
      // Output columns whose four taps all lie inside the input's columns: [colLo, colHi].
      int colLo = 0, colHi = f->OW - 1;
      for (int r = 0; r < 4; r++) {
        const int shift = kj[r] * f->dw_ - f->pl;  // ix = ow*sw + shift
        colLo = imax(colLo, -shift <= 0 ? 0 : (-shift + f->sw - 1) / f->sw);
        const int lim = f->W - 1 - shift;  // ow*sw <= lim
        colHi = imin(colHi, lim < 0 ? -1 : lim / f->sw);
      }
      for (int p = 0; p < panels; p++) {
        const int n0 = p * 8;
        float* out = part + rt * 4 * ldp + n0;
        f4 a0, a1, b0, b1, c0, c1, d0, d1;
        if (row0 == r0) {
          a0 = a1 = b0 = b1 = c0 = c1 = d0 = d1 = ZERO4;
        } else {
          a0 = LD(out), a1 = LD(out + 4), b0 = LD(out + ldp), b1 = LD(out + ldp + 4);
          c0 = LD(out + 2 * ldp), c1 = LD(out + 2 * ldp + 4), d0 = LD(out + 3 * ldp), d1 = LD(out + 3 * ldp + 4);
        }
        for (int row = row0, b = row0 / f->OH, oh = row0 - b * f->OH; row < row1; row++) {
          const int oy = oh * f->sh - f->pt;
          // Pixels whose four taps all lie inside the input: [lo, hi]; the rest are checked one by one.
          int rowOk = 1;
          for (int r = 0; r < 4; r++) {
            const int iy = oy + ki[r] * f->dh;
            if (iy < 0 || iy >= f->H) rowOk = 0;
          }
          const int lo = rowOk ? colLo : f->OW, hi = rowOk ? colHi : f->OW - 1;
          const float* dyRow = f->dy + (row * f->OW) * f->ld + n0;
          const int base0 = ((b * f->H + oy) * f->W - f->pl) * C;
          // Pixels before lo, in [lo, hi], after hi: in order, so the sum's order stays fixed.
          for (int pass = 0; pass < 3; pass++) {
            int s, e;
            if (pass == 0) s = 0, e = imin(lo, f->OW);
            else if (pass == 1) s = lo, e = hi + 1;
            else s = imax(hi + 1, lo), e = f->OW;
            if (pass == 1) {
              const float* dp = dyRow + s * f->ld;
              const float* x0 = f->x + base0 + s * f->sw * C;
              const float* x1 = x0 + off[1];
              const float* x2 = x0 + off[2];
              const float* x3 = x0 + off[3];
              x0 += off[0];
              const int step = f->sw * C;
              for (int ow = s; ow < e; ow++) {
                const f4 w0 = LD(dp), w1 = LD(dp + 4);
                dp += f->ld;
                f4 v = SPLAT(x0);
                MAC(a0, v, w0);
                MAC(a1, v, w1);
                v = SPLAT(x1);
                MAC(b0, v, w0);
                MAC(b1, v, w1);
                v = SPLAT(x2);
                MAC(c0, v, w0);
                MAC(c1, v, w1);
                v = SPLAT(x3);
                MAC(d0, v, w0);
                MAC(d1, v, w1);
                x0 += step, x1 += step, x2 += step, x3 += step;
              }
            } else {
              for (int ow = s; ow < e; ow++) {
                const float* dp = dyRow + ow * f->ld;
                const f4 w0 = LD(dp), w1 = LD(dp + 4);
                float xv[4];
                for (int r = 0; r < 4; r++) {
                  const int iy = oy + ki[r] * f->dh, ix = ow * f->sw + kj[r] * f->dw_ - f->pl;
                  xv[r] = iy >= 0 && iy < f->H && ix >= 0 && ix < f->W ? f->x[((b * f->H + iy) * f->W + ix) * C + kc[r]] : 0.0f;
                }
                f4 v = wasm_f32x4_splat(xv[0]);
                MAC(a0, v, w0);
                MAC(a1, v, w1);
                v = wasm_f32x4_splat(xv[1]);
                MAC(b0, v, w0);
                MAC(b1, v, w1);
                v = wasm_f32x4_splat(xv[2]);
                MAC(c0, v, w0);
                MAC(c1, v, w1);
                v = wasm_f32x4_splat(xv[3]);
                MAC(d0, v, w0);
                MAC(d1, v, w1);
              }
            }
          }
          if (++oh == f->OH) oh = 0, b++;
        }
        ST(out, a0), ST(out + 4, a1), ST(out + ldp, b0), ST(out + ldp + 4, b1);
        ST(out + 2 * ldp, c0), ST(out + 2 * ldp + 4, c1), ST(out + 3 * ldp, d0), ST(out + 3 * ldp + 4, d1);
      }
    }
  }
}

/**
 * The same partial sums when every tap's channels come in whole groups of 8 (C % 8 == 0): a tile is
 * 8 consecutive k of one tap (two vectors of x, loaded as they lie) × 4 outputs (dy broadcast), and
 * the claim's partial is stored transposed, [ceil(O/4)*4][K].
 */
void conv_filter_t_claim(const int32_t* args, int claim) {
  const FilterArgs* f = (const FilterArgs*)args;
  const int C = f->C, O = f->O, KW = f->KW;
  const int K = f->KH * KW * C, oTiles = (O + 3) / 4;
  const int outRows = f->B * f->OH;
  const int r0 = claim * f->rowsPerClaim, r1 = imin(outRows, r0 + f->rowsPerClaim);
  float* part = f->partial + claim * oTiles * 4 * K;
  const int step = f->sw * C;
  for (int row0 = r0; row0 < r1; row0 += ROWS_PER_VISIT) {
    const int row1 = imin(r1, row0 + ROWS_PER_VISIT);
    for (int k0 = 0; k0 < K; k0 += 8) {
      const int tap = k0 / C, ci = k0 - tap * C, ki = tap / KW, kj = tap - ki * KW;
      const int off = ((ki * f->dh) * f->W + kj * f->dw_) * C + ci;
      const int shift = kj * f->dw_ - f->pl;  // ix = ow*sw + shift
      const int colLo = -shift <= 0 ? 0 : (-shift + f->sw - 1) / f->sw;
      const int lim = f->W - 1 - shift;
      const int colHi = imin(f->OW - 1, lim < 0 ? -1 : lim / f->sw);
      for (int ot = 0; ot < oTiles; ot++) {
        const int o0 = ot * 4;
        const int q1 = imin(o0 + 1, O - 1) - o0, q2 = imin(o0 + 2, O - 1) - o0, q3 = imin(o0 + 3, O - 1) - o0;
        float* out = part + o0 * K + k0;
        f4 a0, a1, b0, b1, c0, c1, d0, d1;
        if (row0 == r0) {
          a0 = a1 = b0 = b1 = c0 = c1 = d0 = d1 = ZERO4;
        } else {
          a0 = LD(out), a1 = LD(out + 4), b0 = LD(out + K), b1 = LD(out + K + 4);
          c0 = LD(out + 2 * K), c1 = LD(out + 2 * K + 4), d0 = LD(out + 3 * K), d1 = LD(out + 3 * K + 4);
        }
        for (int row = row0, b = row0 / f->OH, oh = row0 - b * f->OH; row < row1; row++) {
          const int iy = oh * f->sh - f->pt + ki * f->dh;
          if (iy >= 0 && iy < f->H) {
            const float* dyRow = f->dy + (row * f->OW) * f->ld + o0;
            const float* xRow = f->x + ((b * f->H + oh * f->sh - f->pt) * f->W - f->pl) * C + off;
            // Columns outside [colLo, colHi] read outside the input: x is zero there, nothing to add.
            const float* dp = dyRow + colLo * f->ld;
            const float* xp = xRow + colLo * step;
            for (int ow = colLo; ow <= colHi; ow++) {
              const f4 x0 = LD(xp), x1 = LD(xp + 4);
              xp += step;
              f4 v = SPLAT(dp);
              MAC(a0, x0, v);
              MAC(a1, x1, v);
              v = SPLAT(dp + q1);
              MAC(b0, x0, v);
              MAC(b1, x1, v);
              v = SPLAT(dp + q2);
              MAC(c0, x0, v);
              MAC(c1, x1, v);
              v = SPLAT(dp + q3);
              MAC(d0, x0, v);
              MAC(d1, x1, v);
              dp += f->ld;
            }
          }
          if (++oh == f->OH) oh = 0, b++;
        }
        ST(out, a0), ST(out + 4, a1), ST(out + K, b0), ST(out + K + 4, b1);
        ST(out + 2 * K, c0), ST(out + 2 * K + 4, c1), ST(out + 3 * K, d0), ST(out + 3 * K + 4, d1);
      }
    }
  }
}

typedef struct {
  const float* partial;  // [count][rows][ld], or [count][ld][rows] when transposed
  float* out;            // [rows][cols]
  int32_t count, rows, ld, cols, rowsPerClaim, transposed;
} ReduceArgs;

/** out[r][c] = Σ_k partial[k][r][c], k ascending (the order is fixed whatever lane runs which claim). */
void reduce_claim(const int32_t* args, int claim) {
  const ReduceArgs* g = (const ReduceArgs*)args;
  const int r0 = claim * g->rowsPerClaim, r1 = imin(g->rows, r0 + g->rowsPerClaim);
  const int stride = g->rows * g->ld;
  if (g->transposed) {
    for (int r = r0; r < r1; r++)
      for (int c = 0; c < g->cols; c++) {
        const float* src = g->partial + c * g->rows + r;
        float t = src[0];
        for (int k = 1; k < g->count; k++) t += src[k * stride];
        g->out[r * g->cols + c] = t;
      }
    return;
  }
  for (int r = r0; r < r1; r++) {
    float* out = g->out + r * g->cols;
    const float* src = g->partial + r * g->ld;
    int c = 0;
    if (g->cols == g->ld) {
      for (; c + 4 <= g->cols; c += 4) {
        f4 t = LD(src + c);
        for (int k = 1; k < g->count; k++) t = wasm_f32x4_add(t, LD(src + k * stride + c));
        ST(out + c, t);
      }
    }
    for (; c < g->cols; c++) {
      float t = src[c];
      for (int k = 1; k < g->count; k++) t += src[k * stride + c];
      out[c] = t;
    }
  }
}

/** Filter [KH, KW, C, O] to panels of 8 outputs: [ceil(O/8)][KH*KW*C][8], zero-padded. */
EXPORT(pack_filter) void pack_filter(const float* w, int K, int O, float* out) {
  const int panels = (O + 7) / 8;
  for (int p = 0; p < panels; p++)
    for (int k = 0; k < K; k++)
      for (int l = 0; l < 8; l++) {
        const int o = p * 8 + l;
        out[(p * K + k) * 8 + l] = o < O ? w[k * O + o] : 0.0f;
      }
}

/**
 * The filter of the transposed convolution that gives dx: taps flipped, input and output channels
 * swapped (W'[i][j][o][c] = W[KH-1-i][KW-1-j][c][o]), packed in panels of 8 of its outputs (c).
 */
EXPORT(pack_filter_transposed) void pack_filter_transposed(const float* w, int KH, int KW, int C, int O, float* out) {
  const int panels = (C + 7) / 8, K = KH * KW * O;
  for (int p = 0; p < panels; p++)
    for (int i = 0; i < KH; i++)
      for (int j = 0; j < KW; j++)
        for (int o = 0; o < O; o++)
          for (int l = 0; l < 8; l++) {
            const int c = p * 8 + l;
            const int k = (i * KW + j) * O + o;
            out[(p * K + k) * 8 + l] = c < C ? w[(((KH - 1 - i) * KW + (KW - 1 - j)) * C + c) * O + o] : 0.0f;
          }
}
