/*
 * A stats frame's numbers (instrument.ts lists the fields): one recorded activation's or gradient's
 * row in two passes over it, and every weight's row (norms and update ratio) in one call for the
 * whole net. Through tf.js ops the same numbers took about 15 kernels per tensor or weight (moments,
 * min, max, an equality mask, a strided sample and its binning; a norm is 3 kernels), several of
 * them slow on wasm (Equal, and a strided slice scalar by scalar): a stats frame cost ResNet-20
 * about three training steps.
 *
 * Sums go in float32 SIMD lanes over blocks of 1024 values, then into double: the same precision
 * as a pairwise sum, at the speed of a float one. The histogram counts a strided sample (every
 * `stride`-th value from the first) into the output's bins, with the same float32 arithmetic as the
 * tf.js route, so both put each value in the same bin. Same build rules as filterGradient.c.
 */
#include <wasm_simd128.h>

#define BLOCK 1024

static float lanes_min(v128_t v) {
  const float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1), c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  const float ab = b < a ? b : a, cd = d < c ? d : c;
  return cd < ab ? cd : ab;
}

static float lanes_max(v128_t v) {
  const float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1), c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  const float ab = b > a ? b : a, cd = d > c ? d : c;
  return cd > ab ? cd : ab;
}

/* Σ x over [0, n), for x already centred or not: SIMD float blocks summed into a double. */
static double sum_of(const float *x, int n, float centre, int squares) {
  double total = 0.0;
  const v128_t c = wasm_f32x4_splat(centre);
  for (int start = 0; start < n; start += BLOCK) {
    const int end = start + BLOCK < n ? start + BLOCK : n;
    v128_t acc = wasm_f32x4_splat(0.0f);
    int i = start;
    for (; i + 4 <= end; i += 4) {
      v128_t v = wasm_f32x4_sub(wasm_v128_load(x + i), c);
      acc = wasm_f32x4_add(acc, squares ? wasm_f32x4_mul(v, v) : v);
    }
    float block = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
    for (; i < end; i++) {
      const float v = x[i] - centre;
      block += squares ? v * v : v;
    }
    total += (double)block;
  }
  return total;
}

/* Fractions of the sample in each of `bins` bins over [low, high], into out[0, bins). */
static void histogram(const float *x, int n, int stride, float low, float high, float *out, int bins) {
  for (int b = 0; b < bins; b++) out[b] = 0.0f;
  const float width = high - low > 1e-30f ? high - low : 1e-30f;
  int sampled = 0;
  for (int i = 0; i < n; i += stride, sampled++) {
    const float bin = __builtin_floorf((x[i] - low) / width * (float)bins);
    /* NaN, and values past either end, go to the nearest bin, as clipByValue does. */
    const int b = bin >= (float)(bins - 1) ? bins - 1 : bin >= 0.0f ? (int)bin : 0;
    out[b] += 1.0f;
  }
  for (int b = 0; b < bins; b++) out[b] /= (float)sampled;
}

/* out: mean, std (biased), min, max, fraction of exact zeros, then `bins` histogram fractions over [min, max]. */
__attribute__((export_name("activation_summary")))
void activation_summary(const float *x, int n, float *out, int bins, int stride) {
  v128_t lo = wasm_f32x4_splat(__builtin_inff()), hi = wasm_f32x4_splat(-__builtin_inff());
  v128_t zeros = wasm_i32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    lo = wasm_f32x4_pmin(lo, v);
    hi = wasm_f32x4_pmax(hi, v);
    zeros = wasm_i32x4_sub(zeros, wasm_f32x4_eq(v, wasm_f32x4_splat(0.0f)));
  }
  float low = lanes_min(lo), high = lanes_max(hi);
  int zero_count = wasm_i32x4_extract_lane(zeros, 0) + wasm_i32x4_extract_lane(zeros, 1) + wasm_i32x4_extract_lane(zeros, 2) + wasm_i32x4_extract_lane(zeros, 3);
  for (; i < n; i++) {
    if (x[i] < low) low = x[i];
    if (x[i] > high) high = x[i];
    if (x[i] == 0.0f) zero_count++;
  }
  const double total = sum_of(x, n, 0.0f, 0);
  const float mean = (float)(total / n);
  const float variance = (float)(sum_of(x, n, mean, 1) / n);
  /* A NaN anywhere makes the sum NaN; min and max skip NaNs, so say so rather than report a range. */
  if (total != total) low = high = mean;
  out[0] = mean;
  out[1] = __builtin_sqrtf(variance);
  out[2] = low;
  out[3] = high;
  out[4] = (float)zero_count / (float)n;
  histogram(x, n, stride, low, high, out + 5, bins);
}

/* out: L2 norm, RMS, max |g|, then `bins` histogram fractions over [−max|g|, max|g|]. */
__attribute__((export_name("gradient_summary")))
void gradient_summary(const float *x, int n, float *out, int bins, int stride) {
  v128_t hi = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) hi = wasm_f32x4_pmax(hi, wasm_f32x4_abs(wasm_v128_load(x + i)));
  float max_abs = lanes_max(hi);
  for (; i < n; i++) {
    const float a = x[i] < 0.0f ? -x[i] : x[i];
    if (a > max_abs) max_abs = a;
  }
  const double squares = sum_of(x, n, 0.0f, 1);
  if (squares != squares) max_abs = (float)squares;
  out[0] = (float)__builtin_sqrt(squares);
  out[1] = (float)__builtin_sqrt(squares / n);
  out[2] = max_abs;
  histogram(x, n, stride, -max_abs, max_abs, out + 3, bins);
}

/* Σ (a − b)² over [0, n), blocks as in sum_of. */
static double squared_distance(const float *a, const float *b, int n) {
  double total = 0.0;
  for (int start = 0; start < n; start += BLOCK) {
    const int end = start + BLOCK < n ? start + BLOCK : n;
    v128_t acc = wasm_f32x4_splat(0.0f);
    int i = start;
    for (; i + 4 <= end; i += 4) {
      const v128_t d = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(d, d));
    }
    float block = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
    for (; i < end; i++) block += (a[i] - b[i]) * (a[i] - b[i]);
    total += (double)block;
  }
  return total;
}

/*
 * Every trainable weight's row of a stats frame in one call: ‖w‖, ‖g‖ (NaN without a gradient) and
 * the update ratio ‖w_after − w‖ / max(‖w‖, 1e-30). `table` holds 4 words per weight: the byte
 * offsets of w before the update, of its gradient (0: none) and of w after, then its size.
 */
__attribute__((export_name("weight_summary")))
void weight_summary(const unsigned *table, int count, float *out) {
  for (int i = 0; i < count; i++) {
    const float *before = (const float *)(unsigned long)table[4 * i];
    const unsigned gradient = table[4 * i + 1];
    const float *after = (const float *)(unsigned long)table[4 * i + 2];
    const int n = (int)table[4 * i + 3];
    const float norm = (float)__builtin_sqrt(sum_of(before, n, 0.0f, 1));
    out[3 * i] = norm;
    out[3 * i + 1] = gradient == 0 ? __builtin_nanf("") : (float)__builtin_sqrt(sum_of((const float *)(unsigned long)gradient, n, 0.0f, 1));
    out[3 * i + 2] = (float)__builtin_sqrt(squared_distance(after, before, n)) / (norm > 1e-30f ? norm : 1e-30f);
  }
}
