/*
 * ReLU and the sum of two tensors of one shape, over blocks of ELEMENTWISE_BLOCK values, so helper
 * threads can share a call (nativeKernels.ts): under the threaded build tf.js runs its own Relu and
 * Add on the engine's thread alone. The numbers are tf.js' wasm kernels': relu(x) is x where x > 0
 * or x is NaN, else +0 (so relu(−0) = +0); a + b is IEEE addition. Same build rules as filterGradient.c.
 */
#include <wasm_simd128.h>

/* A multiple of 4, so every block but the tensor's last is whole SIMD vectors; nativeKernels.ts repeats it. */
#define ELEMENTWISE_BLOCK 16384

static long block_end(int to, int n) {
  return (long)to * ELEMENTWISE_BLOCK < n ? (long)to * ELEMENTWISE_BLOCK : n;
}

__attribute__((export_name("relu_forward")))
void relu_forward(const float *x, float *y, int n, int from, int to) {
  const long end = block_end(to, n);
  const v128_t zero = wasm_f32x4_splat(0.0f);
  long i = (long)from * ELEMENTWISE_BLOCK;
  for (; i + 4 <= end; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t keep = wasm_v128_or(wasm_f32x4_gt(v, zero), wasm_f32x4_ne(v, v));
    wasm_v128_store(y + i, wasm_v128_and(v, keep));
  }
  for (; i < end; i++) {
    const float v = x[i];
    y[i] = (v > 0.0f || v != v) ? v : 0.0f;
  }
}

__attribute__((export_name("add_values")))
void add_values(const float *a, const float *b, float *y, int n, int from, int to) {
  const long end = block_end(to, n);
  long i = (long)from * ELEMENTWISE_BLOCK;
  for (; i + 4 <= end; i += 4) wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < end; i++) y[i] = a[i] + b[i];
}
