// Element-wise kernels of a training step, cut into claims of whole rows or fixed element ranges:
// binary arithmetic with the broadcasts dense layers and biases use, relu and step, sums over
// leading axes (bias gradients) and the Adam update, each computed in the same float32 operation
// order as tfjs's separate kernels.
#include "mlgym.h"

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_MUL_STEP = 4 };
enum { BC_NONE = 0, BC_B_SCALAR = 1, BC_A_SCALAR = 2, BC_B_ROW = 3, BC_A_ROW = 4 };

typedef struct {
  const float* a;
  const float* b;
  float* out;
  int32_t op, n, broadcast, rowLen, perClaim;  // perClaim: elements (a multiple of rowLen for rows)
} BinaryArgs;

/** a · step(b): relu's gradient (dy · (b > 0 ? 1 : 0), NaN where b is NaN) in one pass. */
static inline f4 step4(f4 b) {
  const f4 one = wasm_f32x4_splat(1.0f);
  f4 s = wasm_v128_and(wasm_f32x4_gt(b, ZERO4), one);
  const v128_t nan = wasm_f32x4_ne(b, b);
  return wasm_v128_bitselect(b, s, nan);
}
static inline float step1(float b) { return b != b ? b : b > 0.0f ? 1.0f : 0.0f; }

static inline f4 op4(int op, f4 x, f4 y) {
  switch (op) {
    case OP_ADD: return wasm_f32x4_add(x, y);
    case OP_SUB: return wasm_f32x4_sub(x, y);
    case OP_MUL: return wasm_f32x4_mul(x, y);
    case OP_DIV: return wasm_f32x4_div(x, y);
    default: return wasm_f32x4_mul(x, step4(y));
  }
}
static inline float op1(int op, float x, float y) {
  switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return x / y;
    default: return x * step1(y);
  }
}

static void binary_range(int op, const float* a, int sa, const float* b, int sb, float* out, int n) {
  // sa/sb: 1 for a full operand, 0 for a scalar.
  int i = 0;
  if (sa && sb) {
    for (; i + 4 <= n; i += 4) ST(out + i, op4(op, LD(a + i), LD(b + i)));
    for (; i < n; i++) out[i] = op1(op, a[i], b[i]);
  } else if (sa) {
    const f4 y = wasm_f32x4_splat(b[0]);
    for (; i + 4 <= n; i += 4) ST(out + i, op4(op, LD(a + i), y));
    for (; i < n; i++) out[i] = op1(op, a[i], b[0]);
  } else {
    const f4 x = wasm_f32x4_splat(a[0]);
    for (; i + 4 <= n; i += 4) ST(out + i, op4(op, x, LD(b + i)));
    for (; i < n; i++) out[i] = op1(op, a[0], b[i]);
  }
}

void binary_claim(const int32_t* args, int claim) {
  const BinaryArgs* g = (const BinaryArgs*)args;
  const int s = claim * g->perClaim, e = imin(g->n, s + g->perClaim);
  if (s >= e) return;
  switch (g->broadcast) {
    case BC_NONE: binary_range(g->op, g->a + s, 1, g->b + s, 1, g->out + s, e - s); break;
    case BC_B_SCALAR: binary_range(g->op, g->a + s, 1, g->b, 0, g->out + s, e - s); break;
    case BC_A_SCALAR: binary_range(g->op, g->a, 0, g->b + s, 1, g->out + s, e - s); break;
    case BC_B_ROW:
      for (int r = s; r < e; r += g->rowLen) binary_range(g->op, g->a + r, 1, g->b, 1, g->out + r, g->rowLen);
      break;
    case BC_A_ROW:
      for (int r = s; r < e; r += g->rowLen) binary_range(g->op, g->a, 1, g->b + r, 1, g->out + r, g->rowLen);
      break;
  }
}

enum { UN_RELU = 0, UN_STEP = 1 };

typedef struct {
  const float* x;
  float* out;
  int32_t op, n, perClaim;
  float alpha;
} UnaryArgs;

void unary_claim(const int32_t* args, int claim) {
  const UnaryArgs* u = (const UnaryArgs*)args;
  const int s = claim * u->perClaim, e = imin(u->n, s + u->perClaim);
  const float* x = u->x;
  float* out = u->out;
  int i = s;
  if (u->op == UN_RELU) {
    // x < 0 ? 0 : x (NaN stays NaN).
    for (; i + 4 <= e; i += 4) {
      const f4 v = LD(x + i);
      ST(out + i, relu4(v));
    }
    for (; i < e; i++) out[i] = x[i] < 0.0f ? 0.0f : x[i];
  } else {
    // x > 0 ? 1 : alpha, NaN for NaN: tfjs's Step.
    const f4 one = wasm_f32x4_splat(1.0f), alpha = wasm_f32x4_splat(u->alpha);
    for (; i + 4 <= e; i += 4) {
      const f4 v = LD(x + i);
      const f4 r = wasm_v128_bitselect(one, alpha, wasm_f32x4_gt(v, ZERO4));
      ST(out + i, wasm_v128_bitselect(v, r, wasm_f32x4_ne(v, v)));
    }
    for (; i < e; i++) out[i] = x[i] != x[i] ? x[i] : x[i] > 0.0f ? 1.0f : u->alpha;
  }
}

typedef struct {
  const float* x;  // [R, C]
  double* partial; // [claims, C]
  int32_t R, C, rowsPerClaim;
} SumArgs;

/** Column sums of one block of rows, in float64, into the claim's own partial row. */
void sum_rows_claim(const int32_t* args, int claim) {
  const SumArgs* s = (const SumArgs*)args;
  const int C = s->C, r0 = claim * s->rowsPerClaim, r1 = imin(s->R, r0 + s->rowsPerClaim);
  double* acc = s->partial + claim * C;
  for (int c = 0; c < C; c++) acc[c] = 0.0;
  for (int r = r0; r < r1; r++) {
    const float* row = s->x + r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      const f4 v = LD(row + c);
      wasm_v128_store(acc + c, wasm_f64x2_add(wasm_v128_load(acc + c), wasm_f64x2_promote_low_f32x4(v)));
      const f4 hi = wasm_i32x4_shuffle(v, v, 2, 3, 0, 1);
      wasm_v128_store(acc + c + 2, wasm_f64x2_add(wasm_v128_load(acc + c + 2), wasm_f64x2_promote_low_f32x4(hi)));
    }
    for (; c < C; c++) acc[c] += row[c];
  }
}

typedef struct {
  const float* dy;  // [R, C]
  const float* y;   // [R, C], the relu's output
  float* out;       // dy · step(y)
  double* partial;  // [claims, C] column sums of out
  int32_t R, C, rowsPerClaim;
} ReluGradArgs;

/**
 * Relu's gradient and its bias's in one pass: out = dy · step(y), as tfjs's mul(dy, step(y)), and
 * the claim's column sums of out in float64, as sum_rows_claim would add them.
 */
void relu_bias_grad_claim(const int32_t* args, int claim) {
  const ReluGradArgs* g = (const ReluGradArgs*)args;
  const int C = g->C, r0 = claim * g->rowsPerClaim, r1 = imin(g->R, r0 + g->rowsPerClaim);
  double* acc = g->partial + claim * C;
  for (int c = 0; c < C; c++) acc[c] = 0.0;
  for (int r = r0; r < r1; r++) {
    const float* dy = g->dy + r * C;
    const float* y = g->y + r * C;
    float* out = g->out + r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      const f4 v = wasm_f32x4_mul(LD(dy + c), step4(LD(y + c)));
      ST(out + c, v);
      wasm_v128_store(acc + c, wasm_f64x2_add(wasm_v128_load(acc + c), wasm_f64x2_promote_low_f32x4(v)));
      const f4 hi = wasm_i32x4_shuffle(v, v, 2, 3, 0, 1);
      wasm_v128_store(acc + c + 2, wasm_f64x2_add(wasm_v128_load(acc + c + 2), wasm_f64x2_promote_low_f32x4(hi)));
    }
    for (; c < C; c++) {
      out[c] = dy[c] * step1(y[c]);
      acc[c] += out[c];
    }
  }
}

/** Adds the partial rows in claim order (a fixed order whatever lane ran which claim). */
EXPORT(sum_rows_finish) void sum_rows_finish(const double* partial, int claims, int C, float* out) {
  for (int c = 0; c < C; c++) {
    double t = 0.0;
    for (int k = 0; k < claims; k++) t += partial[k * C + c];
    out[c] = (float)t;
  }
}

typedef struct {
  const float *g, *m, *v, *w;
  float *mOut, *vOut, *wOut;
  int32_t n, perClaim;
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2;
  const float* accBeta1;  // β₁ᵗ, β₂ᵗ as tfjs keeps them (float32 scalars)
  const float* accBeta2;
  float epsilon, negLr;
} AdamArgs;

/**
 * tfjs's Adam update in one pass, operation by operation as AdamOptimizer.applyGradients composes
 * it (so the bits are the same): m' = m·β₁ + g·(1−β₁); v' = v·β₂ + g²·(1−β₂);
 * w' = (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) · (−lr) + w.
 */
void adam_claim(const int32_t* args, int claim) {
  const AdamArgs* a = (const AdamArgs*)args;
  const int s = claim * a->perClaim, e = imin(a->n, s + a->perClaim);
  const float c1 = 1.0f - *a->accBeta1, c2 = 1.0f - *a->accBeta2;
  const f4 b1 = wasm_f32x4_splat(a->beta1), ob1 = wasm_f32x4_splat(a->oneMinusBeta1);
  const f4 b2 = wasm_f32x4_splat(a->beta2), ob2 = wasm_f32x4_splat(a->oneMinusBeta2);
  const f4 k1 = wasm_f32x4_splat(c1), k2 = wasm_f32x4_splat(c2);
  const f4 eps = wasm_f32x4_splat(a->epsilon), nlr = wasm_f32x4_splat(a->negLr);
  int i = s;
  for (; i + 4 <= e; i += 4) {
    const f4 g = LD(a->g + i);
    const f4 m = wasm_f32x4_add(wasm_f32x4_mul(LD(a->m + i), b1), wasm_f32x4_mul(g, ob1));
    const f4 v = wasm_f32x4_add(wasm_f32x4_mul(LD(a->v + i), b2), wasm_f32x4_mul(wasm_f32x4_mul(g, g), ob2));
    const f4 step = wasm_f32x4_div(wasm_f32x4_div(m, k1), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(v, k2)), eps));
    ST(a->mOut + i, m);
    ST(a->vOut + i, v);
    ST(a->wOut + i, wasm_f32x4_add(wasm_f32x4_mul(step, nlr), LD(a->w + i)));
  }
  for (; i < e; i++) {
    const float g = a->g[i];
    const float m = a->m[i] * a->beta1 + g * a->oneMinusBeta1;
    const float v = a->v[i] * a->beta2 + (g * g) * a->oneMinusBeta2;
    const float step = (m / c1) / (__builtin_sqrtf(v / c2) + a->epsilon);
    a->mOut[i] = m;
    a->vOut[i] = v;
    a->wOut[i] = step * a->negLr + a->w[i];
  }
}

typedef struct {
  int32_t iters;
  float* sink;  // one float per claim, so the loop is not optimised away
} PeakArgs;

/**
 * The machine's multiply-add peak in wasm SIMD: 12 independent chains a = a·x + y (enough to cover
 * the multiply and add latencies on every pipe), 96 flops per iteration, nothing from memory.
 */
void peak_claim(const int32_t* args, int claim) {
  const PeakArgs* p = (const PeakArgs*)args;
  const f4 x = wasm_f32x4_splat(0.999f), y = wasm_f32x4_splat(0.001f);
  f4 a0 = wasm_f32x4_splat(0.f), a1 = wasm_f32x4_splat(1.f), a2 = wasm_f32x4_splat(2.f), a3 = wasm_f32x4_splat(3.f);
  f4 a4 = wasm_f32x4_splat(4.f), a5 = wasm_f32x4_splat(5.f), a6 = wasm_f32x4_splat(6.f), a7 = wasm_f32x4_splat(7.f);
  f4 a8 = wasm_f32x4_splat(8.f), a9 = wasm_f32x4_splat(9.f), a10 = wasm_f32x4_splat(10.f), a11 = wasm_f32x4_splat(11.f);
  for (int i = 0; i < p->iters; i++) {
    a0 = wasm_f32x4_add(wasm_f32x4_mul(a0, x), y);
    a1 = wasm_f32x4_add(wasm_f32x4_mul(a1, x), y);
    a2 = wasm_f32x4_add(wasm_f32x4_mul(a2, x), y);
    a3 = wasm_f32x4_add(wasm_f32x4_mul(a3, x), y);
    a4 = wasm_f32x4_add(wasm_f32x4_mul(a4, x), y);
    a5 = wasm_f32x4_add(wasm_f32x4_mul(a5, x), y);
    a6 = wasm_f32x4_add(wasm_f32x4_mul(a6, x), y);
    a7 = wasm_f32x4_add(wasm_f32x4_mul(a7, x), y);
    a8 = wasm_f32x4_add(wasm_f32x4_mul(a8, x), y);
    a9 = wasm_f32x4_add(wasm_f32x4_mul(a9, x), y);
    a10 = wasm_f32x4_add(wasm_f32x4_mul(a10, x), y);
    a11 = wasm_f32x4_add(wasm_f32x4_mul(a11, x), y);
  }
  f4 s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                        wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7)));
  s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11)));
  p->sink[claim] = wasm_f32x4_extract_lane(s, 0);
}
