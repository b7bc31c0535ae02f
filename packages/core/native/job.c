// Jobs shared by the lanes (the main thread and its worker threads). A job is a kernel and its
// arguments cut into claims; lanes take claims with a compare-and-swap on `next`: the job's sequence
// number in the high half, the claims left in the low half (taken from the last one down), so a
// lane that wakes late for an old job finds the sequence changed, or nothing left, and takes
// nothing; it never reads the count or arguments of a job that is being written. Each claim writes its own part of the output and no claim
// reduces across another's, so results are the same whichever lane runs a claim, and whatever the
// number of lanes.
#include "mlgym.h"

typedef struct {
  uint64_t next;  // sequence << 32 | claims left
  int32_t done;
  int32_t claims;
  int32_t kernel;
  int32_t reserved[3];
  int32_t args[56];
} Job;

_Static_assert(sizeof(Job) == 256, "the JS side lays out 256 bytes");

static int take(Job* j, uint32_t seq) {
  uint64_t old = __atomic_load_n(&j->next, __ATOMIC_ACQUIRE);
  for (;;) {
    if ((uint32_t)(old >> 32) != seq) return -1;
    const uint32_t left = (uint32_t)old;
    if (left == 0) return -1;
    if (__atomic_compare_exchange_n(&j->next, &old, old - 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) return (int)(left - 1);
  }
}

/** Starts job `seq` once its kernel's arguments are written (after the previous job has finished). */
EXPORT(publish) void publish(Job* j, uint32_t seq, int kernel, int claims) {
  j->kernel = kernel;
  j->claims = claims;
  __atomic_store_n(&j->done, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&j->next, ((uint64_t)seq << 32) | (uint32_t)claims, __ATOMIC_RELEASE);
}

static void run_claim(const Job* j, int c) {
  const int32_t* a = j->args;
  switch (j->kernel) {
    case K_CONV: conv_claim(a, c); break;
    case K_CONV_FILTER: conv_filter_claim(a, c); break;
    case K_GEMM: gemm_claim(a, c); break;
    case K_BINARY: binary_claim(a, c); break;
    case K_UNARY: unary_claim(a, c); break;
    case K_SUM_ROWS: sum_rows_claim(a, c); break;
    case K_MAX_POOL: max_pool_claim(a, c); break;
    case K_MAX_POOL_GRAD: max_pool_grad_claim(a, c); break;
    case K_ADAM: adam_claim(a, c); break;
    case K_PEAK: peak_claim(a, c); break;
    case K_REDUCE: reduce_claim(a, c); break;
    case K_CONV_FILTER_T: conv_filter_t_claim(a, c); break;
    case K_RELU_BIAS_GRAD: relu_bias_grad_claim(a, c); break;
    case K_WINO_CONV: wino_conv_claim(a, c); break;
    case K_WINO_FILTER_GRAD: wino_filter_grad_claim(a, c); break;
    case K_WINO_FILTER_GRAD_FINISH: wino_filter_grad_finish_claim(a, c); break;
    default: break;
  }
}

/** Runs claims of job `seq` until none is left; returns how many this lane ran. */
EXPORT(work) int work(Job* j, uint32_t seq) {
  int ran = 0;
  for (;;) {
    int c = take(j, seq);
    if (c < 0) return ran;
    run_claim(j, c);
    ran++;
    if (__atomic_add_fetch(&j->done, 1, __ATOMIC_ACQ_REL) == j->claims) __builtin_wasm_memory_atomic_notify(&j->done, 1);
  }
}
