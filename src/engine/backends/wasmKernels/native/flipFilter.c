/*
 * out[kh−1−a, kw−1−b, co, ci] = w[a, b, ci, co]: a conv filter rotated by 180° with its channel
 * axes swapped, the filter of the input gradient's convolution. tf.js does it as Reverse then
 * Transpose, and its wasm Reverse walks every element through a generic index computation.
 * Same build rules as filterGradient.c.
 */
__attribute__((export_name("flip_filter")))
void flip_filter(const float *w, float *out, int kh, int kw, int ci, int co) {
  for (int a = 0; a < kh; a++) {
    for (int b = 0; b < kw; b++) {
      const float *src = w + (long)(a * kw + b) * ci * co;
      float *dst = out + (long)((kh - 1 - a) * kw + (kw - 1 - b)) * co * ci;
      for (int i = 0; i < ci; i++)
        for (int o = 0; o < co; o++) dst[o * ci + i] = src[i * co + o];
    }
  }
}
