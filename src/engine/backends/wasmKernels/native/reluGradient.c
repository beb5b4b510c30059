/*
 * ReLU's gradient, dx = dy · step(x), in one pass over blocks of RELU_BLOCK values: tf.js runs it
 * as Step then Multiply, two passes and a temporary the size of the activation. The numbers are
 * tf.js': step(x) is 1 where x > 0, NaN where x is NaN, else 0, and dx is dy times it (so a
 * negative dy where x ≤ 0 gives −0, as there). Blocks are independent, so helper threads can share
 * a call (nativeKernels.ts). Same build rules as filterGradient.c.
 */
#include <wasm_simd128.h>

/* A multiple of 4, so every block but the tensor's last is whole SIMD vectors; nativeKernels.ts repeats it. */
#define RELU_BLOCK 16384

__attribute__((export_name("relu_gradient")))
void relu_gradient(const float *dy, const float *x, float *dx, int n, int from, int to) {
  const long begin = (long)from * RELU_BLOCK;
  const long end = (long)to * RELU_BLOCK < n ? (long)to * RELU_BLOCK : n;
  const v128_t one = wasm_f32x4_splat(1.0f), zero = wasm_f32x4_splat(0.0f);
  long i = begin;
  for (; i + 4 <= end; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t step = wasm_v128_bitselect(v, wasm_v128_and(one, wasm_f32x4_gt(v, zero)), wasm_f32x4_ne(v, v));
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), step));
  }
  for (; i < end; i++) {
    const float v = x[i];
    const float step = v != v ? v : (v > 0.0f ? 1.0f : 0.0f);
    dx[i] = dy[i] * step;
  }
}
