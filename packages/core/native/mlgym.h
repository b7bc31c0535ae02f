// mlgym's training kernels for tfjs-backend-wasm: shared declarations. Built to wasm32 with SIMD
// and atomics by build.mjs; the module imports tfjs's shared memory, so kernels read and write
// tensors in place. No static data, no libc: pointers and sizes arrive as job arguments.
#pragma once
#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t f4;
#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store((p), (v))
#define SPLAT(p) wasm_v128_load32_splat(p)
#define ZERO4 wasm_f32x4_splat(0.0f)
// Multiply, then add: two roundings, as every other backend's float32 path; no fused form.
#define MAC(acc, a, b) (acc) = wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))

#define EXPORT(name) __attribute__((export_name(#name)))

/** max(0, v) per lane, keeping NaN (v < 0 is false for NaN), as tfjs's relu does. */
static inline f4 relu4(f4 v) { return wasm_v128_bitselect(ZERO4, v, wasm_f32x4_lt(v, ZERO4)); }

static inline int imin(int a, int b) { return a < b ? a : b; }
static inline int imax(int a, int b) { return a > b ? a : b; }

/** Kernel ids of a job (see job.c). */
enum {
  K_CONV = 1,
  K_CONV_FILTER = 2,
  K_GEMM = 3,
  K_BINARY = 4,
  K_UNARY = 5,
  K_SUM_ROWS = 6,
  K_MAX_POOL = 7,
  K_MAX_POOL_GRAD = 8,
  K_ADAM = 9,
  K_PEAK = 10,
  K_REDUCE = 11,
  K_CONV_FILTER_T = 12,
  K_RELU_BIAS_GRAD = 13,
  K_WINO_CONV = 14,
  K_WINO_FILTER_GRAD = 15,
  K_WINO_FILTER_GRAD_FINISH = 16,
};

// One claim of each kernel: `a` points at the job's arguments, `claim` counts from 0.
void conv_claim(const int32_t* a, int claim);
void conv_filter_claim(const int32_t* a, int claim);
void gemm_claim(const int32_t* a, int claim);
void binary_claim(const int32_t* a, int claim);
void unary_claim(const int32_t* a, int claim);
void sum_rows_claim(const int32_t* a, int claim);
void max_pool_claim(const int32_t* a, int claim);
void max_pool_grad_claim(const int32_t* a, int claim);
void adam_claim(const int32_t* a, int claim);
void peak_claim(const int32_t* a, int claim);
void reduce_claim(const int32_t* a, int claim);
void conv_filter_t_claim(const int32_t* a, int claim);
void relu_bias_grad_claim(const int32_t* a, int claim);
void wino_conv_claim(const int32_t* a, int claim);
void wino_filter_grad_claim(const int32_t* a, int claim);
void wino_filter_grad_finish_claim(const int32_t* a, int claim);
