// Matrix products C = A·B (+ bias, relu) in 4×8 register tiles. B is read 8 columns at a time from
// rows of stride ldb (the JS side packs B when it is transposed or its width is not a multiple of
// 8); A is row-major or transposed; C may be stored transposed, which turns A·Bᵀ into (B·Aᵀ)ᵀ
// without packing the large operand.
#include "mlgym.h"

typedef struct {
  const float* a;
  const float* b;
  float* c;
  const float* bias;  // null, or indexed by n (biasAlongM 0) or m (1)
  int32_t M, N, K, lda, ldb, ldc;
  int32_t aT;         // A(m, k) = a[k*lda + m] instead of a[m*lda + k]
  int32_t cT;         // C(m, n) stored at c[n*ldc + m]
  int32_t relu, biasAlongM;
  int32_t batch, sa, sb, sc;  // batch count and strides (elements; 0 broadcasts)
  int32_t tilesM, tilesN;     // tiles per claim along m and n
  int32_t kc;                 // k per visit (chunks after the first need cT 0 and N % 8 == 0)
} GemmArgs;

/** k per visit when A is stored transposed (the tile's slice of A is copied to the stack). */
#define GEMM_KC_T 512

void gemm_claim(const int32_t* args, int claim) {
  const GemmArgs* g = (const GemmArgs*)args;
  const int mt = (g->M + 3) / 4, nt = (g->N + 7) / 8;
  const int mg = (mt + g->tilesM - 1) / g->tilesM, ng = (nt + g->tilesN - 1) / g->tilesN;
  const int perBatch = mg * ng;
  const int bi = claim / perBatch, rest = claim - bi * perBatch, gm = rest / ng, gn = rest - gm * ng;
  const float* A = g->a + bi * g->sa;
  const float* B = g->b + bi * g->sb;
  float* Cm = g->c + bi * g->sc;
  const int t0 = gm * g->tilesM, t1 = imin(mt, t0 + g->tilesM);
  const int u0 = gn * g->tilesN, u1 = imin(nt, u0 + g->tilesN);
  const int step = g->aT ? g->lda : 1;
  float packed[4 * GEMM_KC_T];
  for (int k0 = 0; k0 < g->K; k0 += g->kc) {
    const int k1 = imin(g->K, k0 + g->kc);
    const int first = k0 == 0, last = k1 == g->K;
    for (int t = t0; t < t1; t++) {
      const int m0 = t * 4, rows = imin(4, g->M - m0);
      const float* pa[4];
      for (int r = 0; r < 4; r++) {
        const int m = imin(m0 + r, g->M - 1);
        pa[r] = A + (g->aT ? m : m * g->lda) + k0 * step;
      }
      const int packOnce = k1 - k0 <= GEMM_KC_T;
      if (g->aT && rows == 4 && packOnce)
        for (int k = 0; k < k1 - k0; k++) ST(packed + 4 * k, wasm_v128_load(pa[0] + k * step));
      for (int u = u0; u < u1; u++) {
        const int n0 = u * 8, lanes = imin(8, g->N - n0);
        f4 a0, a1, b0, b1, c0, c1, d0, d1;
        if (first) {
          a0 = a1 = b0 = b1 = c0 = c1 = d0 = d1 = ZERO4;
        } else {  // a later k chunk (only with cT 0 and full panels): continue the stored sums
          float* cp = Cm + m0 * g->ldc + n0;
          a0 = LD(cp), a1 = LD(cp + 4);
          cp += rows > 1 ? g->ldc : 0;
          b0 = LD(cp), b1 = LD(cp + 4);
          cp += rows > 2 ? g->ldc : 0;
          c0 = LD(cp), c1 = LD(cp + 4);
          cp += rows > 3 ? g->ldc : 0;
          d0 = LD(cp), d1 = LD(cp + 4);
        }
        const float* bp = B + k0 * g->ldb + n0;
        if (g->aT && rows == 4) {
          // Aᵀ stored: the tile's four rows of A are four neighbours in each stored row, rows that
          // lie a large (often 4 KiB-aliasing) stride apart: copied once per tile into `packed`.
          for (int kk = k0; kk < k1; kk += GEMM_KC_T) {
            const int kn = imin(k1, kk + GEMM_KC_T);
            if (!packOnce)
              for (int k = kk; k < kn; k++) ST(packed + 4 * (k - kk), wasm_v128_load(pa[0] + (k - k0) * step));
            const float* p = packed;
            for (int k = kk; k < kn; k++) {
              const f4 w0 = LD(bp), w1 = LD(bp + 4);
              bp += g->ldb;
              f4 v = SPLAT(p);
              MAC(a0, v, w0);
              MAC(a1, v, w1);
              v = SPLAT(p + 1);
              MAC(b0, v, w0);
              MAC(b1, v, w1);
              v = SPLAT(p + 2);
              MAC(c0, v, w0);
              MAC(c1, v, w1);
              v = SPLAT(p + 3);
              MAC(d0, v, w0);
              MAC(d1, v, w1);
              p += 4;
            }
          }
        } else {
          const float* p0 = pa[0];
          const float* p1 = pa[1];
          const float* p2 = pa[2];
          const float* p3 = pa[3];
          for (int k = k0; k < k1; k++) {
            const f4 w0 = LD(bp), w1 = LD(bp + 4);
            bp += g->ldb;
            f4 v = SPLAT(p0);
            MAC(a0, v, w0);
            MAC(a1, v, w1);
            v = SPLAT(p1);
            MAC(b0, v, w0);
            MAC(b1, v, w1);
            v = SPLAT(p2);
            MAC(c0, v, w0);
            MAC(c1, v, w1);
            v = SPLAT(p3);
            MAC(d0, v, w0);
            MAC(d1, v, w1);
            p0 += step, p1 += step, p2 += step, p3 += step;
          }
        }
        if (last && g->bias) {
          if (g->biasAlongM) {
            f4 q = SPLAT(g->bias + m0);
            a0 = wasm_f32x4_add(a0, q), a1 = wasm_f32x4_add(a1, q);
            q = SPLAT(g->bias + imin(m0 + 1, g->M - 1));
            b0 = wasm_f32x4_add(b0, q), b1 = wasm_f32x4_add(b1, q);
            q = SPLAT(g->bias + imin(m0 + 2, g->M - 1));
            c0 = wasm_f32x4_add(c0, q), c1 = wasm_f32x4_add(c1, q);
            q = SPLAT(g->bias + imin(m0 + 3, g->M - 1));
            d0 = wasm_f32x4_add(d0, q), d1 = wasm_f32x4_add(d1, q);
          } else {
            float bb[8];
            for (int i = 0; i < 8; i++) bb[i] = i < lanes ? g->bias[n0 + i] : 0.0f;
            const f4 q0 = LD(bb), q1 = LD(bb + 4);
            a0 = wasm_f32x4_add(a0, q0), a1 = wasm_f32x4_add(a1, q1);
            b0 = wasm_f32x4_add(b0, q0), b1 = wasm_f32x4_add(b1, q1);
            c0 = wasm_f32x4_add(c0, q0), c1 = wasm_f32x4_add(c1, q1);
            d0 = wasm_f32x4_add(d0, q0), d1 = wasm_f32x4_add(d1, q1);
          }
        }
        if (last && g->relu) {
          a0 = relu4(a0), a1 = relu4(a1), b0 = relu4(b0), b1 = relu4(b1);
          c0 = relu4(c0), c1 = relu4(c1), d0 = relu4(d0), d1 = relu4(d1);
        }
        if (!g->cT && lanes == 8 && rows == 4) {
          float* cp = Cm + m0 * g->ldc + n0;
          ST(cp, a0), ST(cp + 4, a1);
          cp += g->ldc;
          ST(cp, b0), ST(cp + 4, b1);
          cp += g->ldc;
          ST(cp, c0), ST(cp + 4, c1);
          cp += g->ldc;
          ST(cp, d0), ST(cp + 4, d1);
          continue;
        }
        float t[32];
        ST(t, a0), ST(t + 4, a1), ST(t + 8, b0), ST(t + 12, b1);
        ST(t + 16, c0), ST(t + 20, c1), ST(t + 24, d0), ST(t + 28, d1);
        if (g->cT) {
          for (int l = 0; l < lanes; l++) {
            float* cp = Cm + (n0 + l) * g->ldc + m0;
            for (int r = 0; r < rows; r++) cp[r] = t[r * 8 + l];
          }
        } else if (lanes == 8) {
          for (int r = 0; r < rows; r++) {
            float* cp = Cm + (m0 + r) * g->ldc + n0;
            ST(cp, LD(t + r * 8));
            ST(cp + 4, LD(t + r * 8 + 4));
          }
        } else {
          for (int r = 0; r < rows; r++)
            for (int l = 0; l < lanes; l++) Cm[(m0 + r) * g->ldc + n0 + l] = t[r * 8 + l];
        }
      }
    }
  }
}

/** dst[c*ldd + r] = src[r*lds + c] for r < rows, c < cols; columns of dst past rows are zeroed up to ldd. */
EXPORT(pack_transposed) void pack_transposed(const float* src, int rows, int cols, int lds, float* dst, int ldd) {
  for (int c = 0; c < cols; c++) {
    float* d = dst + c * ldd;
    for (int r = 0; r < rows; r++) d[r] = src[r * lds + c];
    for (int r = rows; r < ldd; r++) d[r] = 0.0f;
  }
}

/** dst[r*ldd + c] = src[r*lds + c], the columns from cols to ldd zeroed. */
EXPORT(pack_rows) void pack_rows(const float* src, int rows, int cols, int lds, float* dst, int ldd) {
  for (int r = 0; r < rows; r++) {
    const float* s = src + r * lds;
    float* d = dst + r * ldd;
    for (int c = 0; c < cols; c++) d[c] = s[c];
    for (int c = cols; c < ldd; c++) d[c] = 0.0f;
  }
}
