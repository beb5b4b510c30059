/*
 * A 2-D convolution's forward pass (NHWC input, [kh, kw, ci, co] filter, float32), for tf.js' wasm
 * backend:
 *
 *   y[n,i,j,co] = Σ_{a,b,ci} x[n, i·sh + a·dh − pt, j·sw + b·dw − pl, ci] · W[a,b,ci,co]
 *
 * XNNPACK's forward conv reaches 10–16 GFLOP/s on ResNet's narrow layers (16 and 32 channels:
 * its GEMM tiles and indirection buffer cost more than the arithmetic there). A direct loop that
 * keeps 2 output pixels × 16 output channels in registers, reading each filter vector once per
 * pixel pair, does the same sum at the rate of filterGradient.c. The input gradient is this same
 * kernel on the flipped filter, so both passes gain.
 *
 * Output rows (n, i) are independent: [row_from, row_to) lets a caller split the work.
 * No stack or data in memory, as for every kernel here (see filterGradient.c).
 */
#include <wasm_simd128.h>

#define INLINE static inline __attribute__((always_inline))

typedef struct {
  int n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl;
} Geometry;

/*
 * P consecutive output pixels from column j × 4·CV output channels from co0, on output row
 * (n, i). CHECKED (P = 1 only) skips taps whose input column falls in the padding.
 */
INLINE void tile(const float *x, const float *w, float *out, const Geometry *g, int n, int i, int j, int co0, const int P, const int CV,
                 const int CHECKED) {
  v128_t acc[4][4];
  for (int p = 0; p < P; p++)
    for (int v = 0; v < CV; v++) acc[p][v] = wasm_f32x4_splat(0.0f);
  const int pixel_step = g->sw * g->ci;
  for (int a = 0; a < g->kh; a++) {
    const int ih = i * g->sh + a * g->dh - g->pt;
    if (ih < 0 || ih >= g->h) continue;
    const float *xrow = x + (long)(n * g->h + ih) * g->w * g->ci;
    for (int b = 0; b < g->kw; b++) {
      const int iw = j * g->sw + b * g->dw - g->pl;
      if (CHECKED && (iw < 0 || iw >= g->w)) continue;
      const float *xp = xrow + (long)iw * g->ci;
      const float *wp = w + (long)(a * g->kw + b) * g->ci * g->co + co0;
      for (int c = 0; c < g->ci; c++, wp += g->co) {
        v128_t f[4];
        for (int v = 0; v < CV; v++) f[v] = wasm_v128_load(wp + 4 * v);
        for (int p = 0; p < P; p++) {
          const v128_t s = wasm_v128_load32_splat(xp + p * pixel_step + c);
          for (int v = 0; v < CV; v++) acc[p][v] = wasm_f32x4_add(acc[p][v], wasm_f32x4_mul(s, f[v]));
        }
      }
    }
  }
  float *o = out + ((long)(n * g->ho + i) * g->wo + j) * g->co + co0;
  for (int p = 0; p < P; p++)
    for (int v = 0; v < CV; v++) wasm_v128_store(o + p * g->co + 4 * v, acc[p][v]);
}

/* One output pixel's channels past the last multiple of 4, one at a time. */
static void scalar_channels(const float *x, const float *w, float *out, const Geometry *g, int n, int i, int j, int co_from) {
  for (int co = co_from; co < g->co; co++) {
    float sum = 0.0f;
    for (int a = 0; a < g->kh; a++) {
      const int ih = i * g->sh + a * g->dh - g->pt;
      if (ih < 0 || ih >= g->h) continue;
      for (int b = 0; b < g->kw; b++) {
        const int iw = j * g->sw + b * g->dw - g->pl;
        if (iw < 0 || iw >= g->w) continue;
        const float *xp = x + ((long)(n * g->h + ih) * g->w + iw) * g->ci;
        const float *wp = w + (long)(a * g->kw + b) * g->ci * g->co + co;
        for (int c = 0; c < g->ci; c++) sum += xp[c] * wp[(long)c * g->co];
      }
    }
    out[((long)(n * g->ho + i) * g->wo + j) * g->co + co] = sum;
  }
}

/* Output columns [lo, hi) whose every tap lies inside the input row. */
INLINE void interior_columns(const Geometry *g, int *lo, int *hi) {
  const int first = g->pl <= 0 ? 0 : (g->pl + g->sw - 1) / g->sw;
  const int reach = g->w - 1 - (g->kw - 1) * g->dw + g->pl;
  const int last = reach < 0 ? 0 : reach / g->sw + 1;
  *lo = first < g->wo ? first : g->wo;
  *hi = last < *lo ? *lo : (last < g->wo ? last : g->wo);
}

/* One output row, channels [co0, co0 + 4·CV): pairs inside, single pixels at the padded edges. */
INLINE void row_span(const float *x, const float *w, float *out, const Geometry *g, int n, int i, int co0, int lo, int hi, const int CV) {
  int j = 0;
  for (; j < lo; j++) tile(x, w, out, g, n, i, j, co0, 1, CV, 1);
  /* 2 pixels × 16 channels: 8 accumulators, 4 filter vectors and a splat stay in x64's 16 SIMD
     registers under V8. Measured interleaved on ResNet-20's shapes: ~32 GFLOP/s at best, where
     3 × 16 and 4 × 16 (which spill) reach 22–25. */
  for (; j + 2 <= hi; j += 2) tile(x, w, out, g, n, i, j, co0, 2, CV, 0);
  for (; j < hi; j++) tile(x, w, out, g, n, i, j, co0, 1, CV, 0);
  for (; j < g->wo; j++) tile(x, w, out, g, n, i, j, co0, 1, CV, 1);
}

__attribute__((export_name("conv2d_forward")))
void conv2d_forward(const float *x, const float *w, float *out, int n, int h, int wd, int ci, int ho, int wo, int co, int kh, int kw, int sh, int sw,
                    int dh, int dw, int pt, int pl, int row_from, int row_to) {
  const Geometry g = {n, h, wd, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl};
  const int co_vec = co - co % 4;
  int lo, hi;
  interior_columns(&g, &lo, &hi);
  for (int row = row_from; row < row_to; row++) {
    const int b = row / ho, i = row % ho;
    int co0 = 0;
    for (; co0 + 16 <= co_vec; co0 += 16) row_span(x, w, out, &g, b, i, co0, lo, hi, 4);
    for (; co0 < co_vec; co0 += 4) row_span(x, w, out, &g, b, i, co0, lo, hi, 1);
    if (co_vec < co)
      for (int j = 0; j < wo; j++) scalar_channels(x, w, out, &g, b, i, j, co_vec);
  }
}
