/*
 * Sums over the leading axes of a tensor seen as rows × cols: out[c] = scale · Σ_r x[r, c].
 *
 * This is every per-channel reduction of a training step (BatchNorm's statistics and their
 * gradients over N·H·W, a bias gradient over the batch). tf.js' wasm Sum and Mean reduce only
 * innermost axes, so for these they transpose the whole tensor first and then sum one scalar at
 * a time; here each block of 16 columns is summed down the rows in four SIMD accumulators.
 *
 * Same build rules as filterGradient.c: no stack, no data, tf.js' memory imported.
 */
#include <wasm_simd128.h>

__attribute__((export_name("channel_sums")))
void channel_sums(const float *x, float *out, int rows, int cols, float scale) {
  const v128_t k = wasm_f32x4_splat(scale);
  int c = 0;
  for (; c + 16 <= cols; c += 16) {
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    const float *p = x + c;
    for (int r = 0; r < rows; r++, p += cols) {
      a0 = wasm_f32x4_add(a0, wasm_v128_load(p));
      a1 = wasm_f32x4_add(a1, wasm_v128_load(p + 4));
      a2 = wasm_f32x4_add(a2, wasm_v128_load(p + 8));
      a3 = wasm_f32x4_add(a3, wasm_v128_load(p + 12));
    }
    wasm_v128_store(out + c, wasm_f32x4_mul(a0, k));
    wasm_v128_store(out + c + 4, wasm_f32x4_mul(a1, k));
    wasm_v128_store(out + c + 8, wasm_f32x4_mul(a2, k));
    wasm_v128_store(out + c + 12, wasm_f32x4_mul(a3, k));
  }
  for (; c + 4 <= cols; c += 4) {
    v128_t a = wasm_f32x4_splat(0.0f);
    const float *p = x + c;
    for (int r = 0; r < rows; r++, p += cols) a = wasm_f32x4_add(a, wasm_v128_load(p));
    wasm_v128_store(out + c, wasm_f32x4_mul(a, k));
  }
  for (; c < cols; c++) {
    float a = 0.0f;
    const float *p = x + c;
    for (int r = 0; r < rows; r++, p += cols) a += *p;
    out[c] = a * scale;
  }
}
