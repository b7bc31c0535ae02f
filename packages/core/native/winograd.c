// 3×3 convolutions, stride 1, by Winograd's minimal filtering F(2×2, 3×3): each 2×2 block of output
// pixels comes from a 4×4 patch of input through 16 products per channel pair instead of 36, so the
// multiply-adds, the part of a convolution that is bound by the SIMD peak, fall to 4/9 of the direct
// kernel's. The transforms add and subtract only (and halve, for the filter's): cheap, and exact
// enough that results stay within the direct kernel's tolerances against tfjs's cpu backend.
//
// A claim takes blocks of WT output tiles: it transforms their input patches into V[16][WT][C],
// multiplies each of the 16 positions by the transformed filter U[16][C][N] into M[16][WT][N], and
// transforms M back into the output tiles (with bias and relu). Claims write disjoint output tiles,
// so results do not depend on which lane runs which claim.
#include "mlgym.h"

/** Tiles per block: the block's V and M live on the lane's stack (16·WT·(C+N) floats). */
#define WT 16
/** Largest channel count on either side that fits the stack's scratch. */
#define WMAXC 128
/**
 * Floats between the 16 planes of a block's scratch beyond their contents: planes of 4 KiB apart
 * (16 tiles × 64 channels, 32 × 32) make the 16 stores of a transform and the loads after them
 * alias in the CPU's store forwarding, which cost a third of the input gradient's time.
 */
#define PLANE_PAD 16

typedef struct {
  const float* x;     // input [B, H, W, C]
  const float* u;     // transformed filter [16][C][N] (wino_filter)
  const float* bias;  // [N] or null
  float* y;           // output [B, OH, OW, N]
  const float* zeros; // C zeros, read for taps over the padding
  int32_t B, H, W, C, OH, OW, N, pt, pl, relu, blocksPerClaim;
} WinoArgs;

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub

/**
 * Bᵀ d B of one 4×4 patch (per lane: four channels at once), written to v[16] at stride `ld`. The
 * two Winograd forms share Bᵀ's first three rows (points 0, 1, −1); the last row is d1 − d3 for
 * F(2×2, 3×3) and d3 − d1 for the filter gradient's F(3×3, 2×2) (`grad`, a constant where inlined).
 */
static inline void input_transform(f4 d[16], float* v, int ld, int grad) {
  f4 t[16];
  for (int j = 0; j < 4; j++) {
    const f4 d0 = d[j], d1 = d[4 + j], d2 = d[8 + j], d3 = d[12 + j];
    t[j] = SUB(d0, d2);
    t[4 + j] = ADD(d1, d2);
    t[8 + j] = SUB(d2, d1);
    t[12 + j] = grad ? SUB(d3, d1) : SUB(d1, d3);
  }
  for (int i = 0; i < 4; i++) {
    const f4 t0 = t[4 * i], t1 = t[4 * i + 1], t2 = t[4 * i + 2], t3 = t[4 * i + 3];
    ST(v + (4 * i) * ld, SUB(t0, t2));
    ST(v + (4 * i + 1) * ld, ADD(t1, t2));
    ST(v + (4 * i + 2) * ld, SUB(t2, t1));
    ST(v + (4 * i + 3) * ld, grad ? SUB(t3, t1) : SUB(t1, t3));
  }
}

/** Where each of a 4×4 patch's 16 taps reads its C channels: the input, or `zeros` over the padding. */
static void patch_pointers(const float* x, const float* zeros, int b, int oy, int ox, int H, int W, int C, const float* at[16]) {
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      const int y = oy + i, xx = ox + j;
      at[4 * i + j] = y >= 0 && y < H && xx >= 0 && xx < W ? x + ((b * H + y) * W + xx) * C : zeros;
    }
}

/** M[p] (WT×N) = V[p] (WT×C) · U[p] (C×N) for the 16 positions, in 4×8 register tiles. */
static void block_products(const float* V, const float* U, float* M, int C, int N, int pv, int pm) {
  for (int p = 0; p < 16; p++) {
    const float* vp = V + p * pv;
    const float* up = U + p * C * N;
    float* mp = M + p * pm;
    for (int r = 0; r < WT; r += 4) {
      const float* v0 = vp + r * C;
      const float* v1 = v0 + C;
      const float* v2 = v1 + C;
      const float* v3 = v2 + C;
      for (int n0 = 0; n0 < N; n0 += 8) {
        f4 a0 = ZERO4, a1 = ZERO4, b0 = ZERO4, b1 = ZERO4, c0 = ZERO4, c1 = ZERO4, e0 = ZERO4, e1 = ZERO4;
        const float* w = up + n0;
        for (int c = 0; c < C; c++) {
          const f4 w0 = LD(w), w1 = LD(w + 4);
          w += N;
          f4 s = SPLAT(v0 + c);
          MAC(a0, s, w0);
          MAC(a1, s, w1);
          s = SPLAT(v1 + c);
          MAC(b0, s, w0);
          MAC(b1, s, w1);
          s = SPLAT(v2 + c);
          MAC(c0, s, w0);
          MAC(c1, s, w1);
          s = SPLAT(v3 + c);
          MAC(e0, s, w0);
          MAC(e1, s, w1);
        }
        float* m = mp + r * N + n0;
        ST(m, a0), ST(m + 4, a1);
        ST(m + N, b0), ST(m + N + 4, b1);
        ST(m + 2 * N, c0), ST(m + 2 * N + 4, c1);
        ST(m + 3 * N, e0), ST(m + 3 * N + 4, e1);
      }
    }
  }
}

void wino_conv_claim(const int32_t* args, int claim) {
  const WinoArgs* g = (const WinoArgs*)args;
  const int C = g->C, N = g->N;
  const int th = (g->OH + 1) / 2, tw = (g->OW + 1) / 2, perImage = th * tw, tiles = g->B * perImage;
  const int blocks = (tiles + WT - 1) / WT;
  const int b0 = claim * g->blocksPerClaim, b1 = imin(blocks, b0 + g->blocksPerClaim);
  const int pv = WT * C + PLANE_PAD, pm = WT * N + PLANE_PAD;
  float V[16 * (WT * WMAXC + PLANE_PAD)];
  float M[16 * (WT * WMAXC + PLANE_PAD)];
  for (int blk = b0; blk < b1; blk++) {
    const int t0 = blk * WT, count = imin(WT, tiles - t0);
    for (int k = 0; k < WT; k++) {
      float* v = V + k * C;
      if (k >= count) {
        for (int p = 0; p < 16; p++)
          for (int c = 0; c < C; c += 4) ST(v + p * pv + c, ZERO4);
        continue;
      }
      const int t = t0 + k, b = t / perImage, r = t - b * perImage, ty = r / tw, tx = r - ty * tw;
      const int oy = 2 * ty - g->pt, ox = 2 * tx - g->pl;
      const float* at[16];
      patch_pointers(g->x, g->zeros, b, oy, ox, g->H, g->W, C, at);
      for (int c = 0; c < C; c += 4) {
        f4 d[16];
        for (int e = 0; e < 16; e++) d[e] = LD(at[e] + c);
        input_transform(d, v + c, pv, 0);
      }
    }
    block_products(V, g->u, M, C, N, pv, pm);
    for (int k = 0; k < count; k++) {
      const int t = t0 + k, b = t / perImage, r = t - b * perImage, ty = r / tw, tx = r - ty * tw;
      const int y0 = 2 * ty, x0 = 2 * tx;
      const int down = y0 + 1 < g->OH, right = x0 + 1 < g->OW;
      float* out = g->y + ((b * g->OH + y0) * g->OW + x0) * N;
      const float* m = M + k * N;
      for (int n = 0; n < N; n += 4) {
        f4 q[8];
        for (int j = 0; j < 4; j++) {
          const f4 m0 = LD(m + (j)*pm + n), m1 = LD(m + (4 + j) * pm + n);
          const f4 m2 = LD(m + (8 + j) * pm + n), m3 = LD(m + (12 + j) * pm + n);
          q[j] = ADD(ADD(m0, m1), m2);
          q[4 + j] = SUB(SUB(m1, m2), m3);
        }
        f4 o00 = ADD(ADD(q[0], q[1]), q[2]), o01 = SUB(SUB(q[1], q[2]), q[3]);
        f4 o10 = ADD(ADD(q[4], q[5]), q[6]), o11 = SUB(SUB(q[5], q[6]), q[7]);
        if (g->bias) {
          const f4 bb = LD(g->bias + n);
          o00 = ADD(o00, bb), o01 = ADD(o01, bb), o10 = ADD(o10, bb), o11 = ADD(o11, bb);
        }
        if (g->relu) o00 = relu4(o00), o01 = relu4(o01), o10 = relu4(o10), o11 = relu4(o11);
        ST(out + n, o00);
        if (right) ST(out + N + n, o01);
        if (down) {
          ST(out + g->OW * N + n, o10);
          if (right) ST(out + (g->OW + 1) * N + n, o11);
        }
      }
    }
  }
}

/**
 * U = G g Gᵀ of every 3×3 filter slice, as [16][Cin][Nout]. The forward filter w is [3][3][C][O]
 * (Cin = C, Nout = O); `transposed` gives the filter of the input gradient instead: taps flipped,
 * channels swapped (Cin = O, Nout = C).
 */
EXPORT(wino_filter) void wino_filter(const float* w, int C, int O, int transposed, float* u) {
  const int cin = transposed ? O : C, nout = transposed ? C : O;
  for (int a = 0; a < cin; a++)
    for (int n = 0; n < nout; n++) {
      float gk[9];
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
          gk[3 * i + j] = transposed ? w[(((2 - i) * 3 + (2 - j)) * C + n) * O + a] : w[((i * 3 + j) * C + a) * O + n];
      float s[12];
      for (int j = 0; j < 3; j++) {
        const float g0 = gk[j], g1 = gk[3 + j], g2 = gk[6 + j];
        s[j] = g0;
        s[3 + j] = (g0 + g1 + g2) * 0.5f;
        s[6 + j] = (g0 - g1 + g2) * 0.5f;
        s[9 + j] = g2;
      }
      for (int i = 0; i < 4; i++) {
        const float g0 = s[3 * i], g1 = s[3 * i + 1], g2 = s[3 * i + 2];
        const float r[4] = {g0, (g0 + g1 + g2) * 0.5f, (g0 - g1 + g2) * 0.5f, g2};
        for (int j = 0; j < 4; j++) u[((4 * i + j) * cin + a) * nout + n] = r[j];
      }
    }
}

// The filter gradient by F(3×3, 2×2): dW = Aᵀ [Σ over output tiles of (G e Gᵀ) ⊙ (Bᵀ d B)] A, where
// d is a tile's 4×4 input patch and e its 2×2 block of the output gradient. The sum over tiles is
// taken in the transformed domain, 16 products of [C × tiles]·[tiles × N] instead of 9 of four times
// as many pixels. Each claim sums its own run of tiles into its partial (16·C·N floats); then
// wino_filter_grad_finish adds the partials in claim order and transforms back, so the order of
// every sum is fixed by the shapes alone.

typedef struct {
  const float* x;     // input [B, H, W, C]
  const float* dy;    // output gradient [B, OH, OW, N]
  float* partial;     // [claims][16][C][N]
  const float* zeros; // C zeros, read for taps over the padding
  int32_t B, H, W, C, OH, OW, N, pt, pl, blocksPerClaim;
} WinoGradArgs;

/** Tiles per block of the filter gradient: its two transformed blocks live on the stack. */
#define WF 32

/** G e Gᵀ of a 2×2 block e (four channels per lane), G = [1 0; ½ ½; ½ −½; 0 1]. */
static inline void grad_dy_transform(f4 e00, f4 e01, f4 e10, f4 e11, float* v, int ld) {
  const f4 half = wasm_f32x4_splat(0.5f);
  // Rows: r0 = e0, r1 = (e0 + e1)/2, r2 = (e0 − e1)/2, r3 = e1 (per column).
  const f4 r[8] = {
      e00, e01, wasm_f32x4_mul(ADD(e00, e10), half), wasm_f32x4_mul(ADD(e01, e11), half),
      wasm_f32x4_mul(SUB(e00, e10), half), wasm_f32x4_mul(SUB(e01, e11), half), e10, e11,
  };
  for (int i = 0; i < 4; i++) {
    const f4 a = r[2 * i], b = r[2 * i + 1];
    ST(v + (4 * i) * ld, a);
    ST(v + (4 * i + 1) * ld, wasm_f32x4_mul(ADD(a, b), half));
    ST(v + (4 * i + 2) * ld, wasm_f32x4_mul(SUB(a, b), half));
    ST(v + (4 * i + 3) * ld, b);
  }
}

/** S[p] (C×N) += Vd[p]ᵀ (C×count) · Ve[p] (count×N), 4×8 register tiles, tiles in order. */
static void grad_products(const float* Vd, const float* Ve, float* S, int C, int N, int count, int pd, int pe) {
  for (int p = 0; p < 16; p++) {
    const float* dp = Vd + p * pd;
    const float* ep = Ve + p * pe;
    float* sp = S + p * C * N;
    for (int c0 = 0; c0 < C; c0 += 4)
      for (int n0 = 0; n0 < N; n0 += 8) {
        float* s = sp + c0 * N + n0;
        f4 a0 = LD(s), a1 = LD(s + 4), b0 = LD(s + N), b1 = LD(s + N + 4);
        f4 c0v = LD(s + 2 * N), c1v = LD(s + 2 * N + 4), e0 = LD(s + 3 * N), e1 = LD(s + 3 * N + 4);
        const float* dv = dp + c0;
        const float* ev = ep + n0;
        for (int t = 0; t < count; t++) {
          const f4 w0 = LD(ev), w1 = LD(ev + 4);
          ev += N;
          f4 q = SPLAT(dv);
          MAC(a0, q, w0);
          MAC(a1, q, w1);
          q = SPLAT(dv + 1);
          MAC(b0, q, w0);
          MAC(b1, q, w1);
          q = SPLAT(dv + 2);
          MAC(c0v, q, w0);
          MAC(c1v, q, w1);
          q = SPLAT(dv + 3);
          MAC(e0, q, w0);
          MAC(e1, q, w1);
          dv += C;
        }
        ST(s, a0), ST(s + 4, a1), ST(s + N, b0), ST(s + N + 4, b1);
        ST(s + 2 * N, c0v), ST(s + 2 * N + 4, c1v), ST(s + 3 * N, e0), ST(s + 3 * N + 4, e1);
      }
  }
}

void wino_filter_grad_claim(const int32_t* args, int claim) {
  const WinoGradArgs* g = (const WinoGradArgs*)args;
  const int C = g->C, N = g->N;
  const int th = (g->OH + 1) / 2, tw = (g->OW + 1) / 2, perImage = th * tw, tiles = g->B * perImage;
  const int blocks = (tiles + WF - 1) / WF;
  const int b0 = claim * g->blocksPerClaim, b1 = imin(blocks, b0 + g->blocksPerClaim);
  float* S = g->partial + claim * 16 * C * N;
  for (int i = 0; i < 16 * C * N; i += 4) ST(S + i, ZERO4);
  const int pd = WF * C + PLANE_PAD, pe = WF * N + PLANE_PAD;
  float Vd[16 * (WF * WMAXC + PLANE_PAD)];
  float Ve[16 * (WF * WMAXC + PLANE_PAD)];
  for (int blk = b0; blk < b1; blk++) {
    const int t0 = blk * WF, count = imin(WF, tiles - t0);
    for (int k = 0; k < count; k++) {
      const int t = t0 + k, b = t / perImage, r = t - b * perImage, ty = r / tw, tx = r - ty * tw;
      const int oy = 2 * ty - g->pt, ox = 2 * tx - g->pl;
      const float* at[16];
      patch_pointers(g->x, g->zeros, b, oy, ox, g->H, g->W, C, at);
      for (int c = 0; c < C; c += 4) {
        f4 d[16];
        for (int e = 0; e < 16; e++) d[e] = LD(at[e] + c);
        input_transform(d, Vd + k * C + c, pd, 1);
      }
      const int y0 = 2 * ty, x0 = 2 * tx;
      const int down = y0 + 1 < g->OH, right = x0 + 1 < g->OW;
      const float* e = g->dy + ((b * g->OH + y0) * g->OW + x0) * N;
      for (int n = 0; n < N; n += 4) {
        const f4 e00 = LD(e + n);
        const f4 e01 = right ? LD(e + N + n) : ZERO4;
        const f4 e10 = down ? LD(e + g->OW * N + n) : ZERO4;
        const f4 e11 = down && right ? LD(e + (g->OW + 1) * N + n) : ZERO4;
        grad_dy_transform(e00, e01, e10, e11, Ve + k * N + n, pe);
      }
    }
    grad_products(Vd, Ve, S, C, N, count, pd, pe);
  }
}

typedef struct {
  const float* partial;  // [count][16][C][N]
  float* dw;             // [3][3][C][N]
  int32_t count, C, N, rowsPerClaim;
} WinoFinishArgs;

/** dW = Aᵀ (Σ partials, in order) A, Aᵀ = [1 1 1 0; 0 1 −1 0; 0 1 1 1], for channel rows of one claim. */
void wino_filter_grad_finish_claim(const int32_t* args, int claim) {
  const WinoFinishArgs* g = (const WinoFinishArgs*)args;
  const int C = g->C, N = g->N, stride = 16 * C * N;
  const int c0 = claim * g->rowsPerClaim, c1 = imin(C, c0 + g->rowsPerClaim);
  for (int c = c0; c < c1; c++)
    for (int n = 0; n < N; n += 4) {
      f4 s[16];
      for (int p = 0; p < 16; p++) {
        const float* src = g->partial + (p * C + c) * N + n;
        f4 v = LD(src);
        for (int k = 1; k < g->count; k++) v = ADD(v, LD(src + k * stride));
        s[p] = v;
      }
      f4 q[12];
      for (int j = 0; j < 4; j++) {
        const f4 m0 = s[j], m1 = s[4 + j], m2 = s[8 + j], m3 = s[12 + j];
        q[j] = ADD(ADD(m0, m1), m2);
        q[4 + j] = SUB(m1, m2);
        q[8 + j] = ADD(ADD(m1, m2), m3);
      }
      for (int i = 0; i < 3; i++) {
        const f4 r0 = q[4 * i], r1 = q[4 * i + 1], r2 = q[4 * i + 2], r3 = q[4 * i + 3];
        ST(g->dw + ((3 * i + 0) * C + c) * N + n, ADD(ADD(r0, r1), r2));
        ST(g->dw + ((3 * i + 1) * C + c) * N + n, SUB(r1, r2));
        ST(g->dw + ((3 * i + 2) * C + c) * N + n, ADD(ADD(r1, r2), r3));
      }
    }
}
