/*
 * The filter gradient of a 2-D convolution (NHWC, float32), for tf.js' wasm backend:
 *
 *   dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·sh + a·dh − pt, j·sw + b·dw − pl, ci] · dy[n,i,j,co]
 *
 * XNNPACK has no such kernel, and every route through its forward convolution or GEMM meets the
 * worst shape for it: a tiny output (taps × Ci × Co) and a huge reduction (N·Ho·Wo). Here each
 * output tile of CB input channels × 4·CV output channels stays in registers for one pass over the
 * positions, so x and dy are each read once per tile and nothing is packed or copied.
 *
 * Built with clang for wasm32 + SIMD128 and no libc (scripts/build-wasm-kernels.mjs). It imports
 * tf.js' own memory and reads and writes tensors where they lie, so it must not use a stack or
 * data in that memory: every value lives in wasm locals, which the build checks.
 */
#include <wasm_simd128.h>

#define INLINE static inline __attribute__((always_inline))

/* Bytes of x and dy per block of images: well inside L2 on desktop x64 and Apple silicon. */
#define BLOCK_BYTES (192L * 1024)

typedef struct {
  int n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl;
} Geometry;

/* The output columns [lo, hi) whose input column j·sw + off lies inside [0, w). */
INLINE void column_range(int off, int sw, int w, int wo, int *lo, int *hi) {
  int first = off < 0 ? (-off + sw - 1) / sw : 0;
  int last = w - 1 - off < 0 ? 0 : (w - 1 - off) / sw + 1;
  *lo = first;
  *hi = last < wo ? last : wo;
}

/*
 * One tile: input channels [ci0, ci0 + CB) × output channels [co0, co0 + 4·CV) of tap (a, b), summed
 * over images [n0, n1) onto what `out` holds (or onto zero for the first images).
 */
INLINE void tile(const float *x, const float *dy, float *out, const Geometry *g, int n0, int n1, int a, int b, int ci0, int co0, const int CB,
                 const int CV) {
  v128_t acc[4][4];
  float *o = out + ((long)(a * g->kw + b) * g->ci + ci0) * g->co + co0;
  for (int c = 0; c < CB; c++)
    for (int v = 0; v < CV; v++) acc[c][v] = n0 == 0 ? wasm_f32x4_splat(0.0f) : wasm_v128_load(o + c * g->co + 4 * v);
  const int row_off = a * g->dh - g->pt;
  const int col_off = b * g->dw - g->pl;
  int lo, hi;
  column_range(col_off, g->sw, g->w, g->wo, &lo, &hi);
  const int x_step = g->sw * g->ci;
  for (int n = n0; n < n1; n++) {
    for (int i = 0; i < g->ho; i++) {
      const int ih = i * g->sh + row_off;
      if (ih < 0 || ih >= g->h) continue;
      const float *xp = x + ((long)(n * g->h + ih) * g->w + (lo * g->sw + col_off)) * g->ci + ci0;
      const float *dp = dy + ((long)(n * g->ho + i) * g->wo + lo) * g->co + co0;
      for (int j = lo; j < hi; j++, xp += x_step, dp += g->co) {
        v128_t d[4];
        for (int v = 0; v < CV; v++) d[v] = wasm_v128_load(dp + 4 * v);
        for (int c = 0; c < CB; c++) {
          const v128_t s = wasm_v128_load32_splat(xp + c);
          for (int v = 0; v < CV; v++) acc[c][v] = wasm_f32x4_add(acc[c][v], wasm_f32x4_mul(s, d[v]));
        }
      }
    }
  }
  for (int c = 0; c < CB; c++)
    for (int v = 0; v < CV; v++) wasm_v128_store(o + c * g->co + 4 * v, acc[c][v]);
}

/* Output channels past the last multiple of 4, one at a time, for input channels [ci_from, ci_to). */
static void scalar_columns(const float *x, const float *dy, float *out, const Geometry *g, int n0, int n1, int a, int b, int ci_from, int ci_to,
                           int co_from) {
  const int row_off = a * g->dh - g->pt;
  const int col_off = b * g->dw - g->pl;
  int lo, hi;
  column_range(col_off, g->sw, g->w, g->wo, &lo, &hi);
  for (int ci = ci_from; ci < ci_to; ci++) {
    for (int co = co_from; co < g->co; co++) {
      float *o = out + ((long)(a * g->kw + b) * g->ci + ci) * g->co + co;
      float sum = n0 == 0 ? 0.0f : *o;
      for (int n = n0; n < n1; n++) {
        for (int i = 0; i < g->ho; i++) {
          const int ih = i * g->sh + row_off;
          if (ih < 0 || ih >= g->h) continue;
          for (int j = lo; j < hi; j++) {
            sum += x[((long)(n * g->h + ih) * g->w + (j * g->sw + col_off)) * g->ci + ci] * dy[((long)(n * g->ho + i) * g->wo + j) * g->co + co];
          }
        }
      }
      *o = sum;
    }
  }
}

/*
 * The work is cut into units of one tap (a, b) × one pair of input channels (the last one alone
 * when ci is odd), which share nothing: [unit_from, unit_to) of kh·kw·⌈ci/2⌉ lets a caller split it.
 * Every unit reads all of x and dy, so the images are taken in blocks small enough to stay in L2
 * while every unit of the range passes over them: each block comes from memory once, not once per
 * unit, which is what bounded the rate on large activations and when two threads share the cache.
 */
__attribute__((export_name("conv2d_filter_gradient")))
void conv2d_filter_gradient(const float *x, const float *dy, float *out, int n, int h, int w, int ci, int ho, int wo, int co, int kh, int kw, int sh,
                            int sw, int dh, int dw, int pt, int pl, int unit_from, int unit_to) {
  const Geometry g = {n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl};
  const int co_vec = co - co % 4;
  const int pairs = (ci + 1) / 2;
  const long image_bytes = 4L * ((long)h * w * ci + (long)ho * wo * co);
  const int block = image_bytes >= BLOCK_BYTES ? 1 : (int)(BLOCK_BYTES / image_bytes);
  for (int n0 = 0; n0 < n; n0 += block) {
    const int n1 = n0 + block < n ? n0 + block : n;
    for (int unit = unit_from; unit < unit_to; unit++) {
      const int tap = unit / pairs, ci0 = 2 * (unit % pairs);
      const int a = tap / kw, b = tap % kw;
      int co0 = 0;
      /* 2 × 16 keeps 8 accumulators, 4 dy vectors and a splat in x64's 16 SIMD registers under V8;
         4 × 12 and 4 × 16 measured no faster on ResNet-20's shapes. */
      if (ci0 + 2 <= ci) {
        for (; co0 + 16 <= co_vec; co0 += 16) tile(x, dy, out, &g, n0, n1, a, b, ci0, co0, 2, 4);
        for (; co0 < co_vec; co0 += 4) tile(x, dy, out, &g, n0, n1, a, b, ci0, co0, 2, 1);
      } else {
        for (; co0 + 16 <= co_vec; co0 += 16) tile(x, dy, out, &g, n0, n1, a, b, ci0, co0, 1, 4);
        for (; co0 < co_vec; co0 += 4) tile(x, dy, out, &g, n0, n1, a, b, ci0, co0, 1, 1);
      }
      if (co_vec < co) scalar_columns(x, dy, out, &g, n0, n1, a, b, ci0, ci0 + 2 <= ci ? ci0 + 2 : ci, co_vec);
    }
  }
}
