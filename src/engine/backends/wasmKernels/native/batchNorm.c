/*
 * BatchNorm in training mode over x seen as rows × cols (cols = channels, last axis), forward and
 * backward, as passes over blocks of rows: 3 passes forward and 2 backward, where tf.js ops take 5
 * and 9 kernels. The passes over the activation take a range of blocks, so helper threads can share
 * them (nativeKernels.ts); per-channel sums are kept per block, in a partial-sum buffer the caller
 * allocates on tf.js' heap, and the small steps between passes add the blocks up in block order, so
 * the result does not depend on how many threads ran. Split by rows, not channels: a 16-channel row
 * is one cache line, and two threads writing different floats of one line measured slower.
 * Same build rules as filterGradient.c.
 */
#include <wasm_simd128.h>

static void zero(float *v, int n) {
  for (int c = 0; c < n; c++) v[c] = 0.0f;
}

static int block_end(int block, int block_rows, int rows) {
  const long end = (long)(block + 1) * block_rows;
  return end < rows ? (int)end : rows;
}

/*
 * partial[b·cols + c] = Σ x[r, c] over the rows of block b (squares = 0), or Σ (x[r, c] − mean[c])²
 * (squares = 1: centred, as E[x²] − E[x]² loses the variance of activations with a large mean), for
 * blocks [from, to). Inlined into both exports, each specialised on `squares`.
 */
static inline void block_sums(const float *x, const float *mean, int squares, float *partial, int rows, int cols, int block_rows, int from, int to) {
  const int vec = cols - cols % 4;
  for (int b = from; b < to; b++) {
    float *sum = partial + (long)b * cols;
    zero(sum, cols);
    for (int r = b * block_rows, end = block_end(b, block_rows, rows); r < end; r++) {
      const float *xr = x + (long)r * cols;
      int c = 0;
      for (; c < vec; c += 4) {
        v128_t v = wasm_v128_load(xr + c);
        if (squares) {
          v = wasm_f32x4_sub(v, wasm_v128_load(mean + c));
          v = wasm_f32x4_mul(v, v);
        }
        wasm_v128_store(sum + c, wasm_f32x4_add(wasm_v128_load(sum + c), v));
      }
      for (; c < cols; c++) {
        const float v = squares ? (xr[c] - mean[c]) * (xr[c] - mean[c]) : xr[c];
        sum[c] += v;
      }
    }
  }
}

__attribute__((export_name("batch_norm_block_sums")))
void batch_norm_block_sums(const float *x, float *partial, int rows, int cols, int block_rows, int from, int to) {
  block_sums(x, x, 0, partial, rows, cols, block_rows, from, to);
}

__attribute__((export_name("batch_norm_block_squares")))
void batch_norm_block_squares(const float *x, const float *mean, float *partial, int rows, int cols, int block_rows, int from, int to) {
  block_sums(x, mean, 1, partial, rows, cols, block_rows, from, to);
}

/* out[c] = Σ_b partial[b·stride + c] / rows, blocks in order. */
static void reduce_blocks(const float *partial, int blocks, int stride, int rows, int cols, float *out) {
  zero(out, cols);
  for (int b = 0; b < blocks; b++)
    for (int c = 0; c < cols; c++) out[c] += partial[(long)b * stride + c];
  const float inv_rows = 1.0f / (float)rows;
  for (int c = 0; c < cols; c++) out[c] *= inv_rows;
}

__attribute__((export_name("batch_norm_mean")))
void batch_norm_mean(const float *partial, int blocks, int rows, int cols, float *mean) {
  reduce_blocks(partial, blocks, cols, rows, cols, mean);
}

/* From the blocks' centred squares: the (biased) variance, and y = x·k + shift with k = gamma/√(var + eps), shift = beta − mean·k. */
__attribute__((export_name("batch_norm_forward_factors")))
void batch_norm_forward_factors(const float *partial, int blocks, int rows, int cols, const float *mean, const float *gamma, const float *beta, float eps,
                                float *variance, float *k, float *shift) {
  reduce_blocks(partial, blocks, cols, rows, cols, variance);
  for (int c = 0; c < cols; c++) {
    k[c] = gamma[c] / __builtin_sqrtf(variance[c] + eps);
    shift[c] = beta[c] - mean[c] * k[c];
  }
}

/*
 * The running averages' step, as tf.js layers take it: next = moving − (moving − batch)·decay, each
 * operation rounded to float32 as the three tf.js ops it replaces round them, so the numbers match.
 */
__attribute__((export_name("batch_norm_moving_averages")))
void batch_norm_moving_averages(const float *moving_mean, const float *moving_variance, const float *mean, const float *variance, float decay,
                                float *next_mean, float *next_variance, int cols) {
  for (int c = 0; c < cols; c++) {
    const float dm = (moving_mean[c] - mean[c]) * decay;
    next_mean[c] = moving_mean[c] - dm;
    const float dv = (moving_variance[c] - variance[c]) * decay;
    next_variance[c] = moving_variance[c] - dv;
  }
}

/* y = x·k + shift per channel, for the rows of blocks [from, to). */
__attribute__((export_name("batch_norm_scale_shift")))
void batch_norm_scale_shift(const float *x, const float *k, const float *shift, float *y, int rows, int cols, int block_rows, int from, int to) {
  const int vec = cols - cols % 4;
  const int first = from * block_rows, end = block_end(to - 1, block_rows, rows);
  for (int r = first; r < end; r++) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    int c = 0;
    for (; c < vec; c += 4) wasm_v128_store(yr + c, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(xr + c), wasm_v128_load(k + c)), wasm_v128_load(shift + c)));
    for (; c < cols; c++) yr[c] = xr[c] * k[c] + shift[c];
  }
}

/* Per block b: partial[b·2cols + c] = Σ dy and partial[b·2cols + cols + c] = Σ dy·(x − mean). */
__attribute__((export_name("batch_norm_block_gradient_sums")))
void batch_norm_block_gradient_sums(const float *x, const float *dy, const float *mean, float *partial, int rows, int cols, int block_rows, int from,
                                    int to) {
  const int vec = cols - cols % 4;
  for (int b = from; b < to; b++) {
    float *dbeta = partial + (long)b * 2 * cols, *dgamma = dbeta + cols;
    zero(dbeta, 2 * cols);
    for (int r = b * block_rows, end = block_end(b, block_rows, rows); r < end; r++) {
      const float *xr = x + (long)r * cols;
      const float *dr = dy + (long)r * cols;
      int c = 0;
      for (; c < vec; c += 4) {
        const v128_t d = wasm_v128_load(dr + c);
        const v128_t centred = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
        wasm_v128_store(dbeta + c, wasm_f32x4_add(wasm_v128_load(dbeta + c), d));
        wasm_v128_store(dgamma + c, wasm_f32x4_add(wasm_v128_load(dgamma + c), wasm_f32x4_mul(d, centred)));
      }
      for (; c < cols; c++) {
        dbeta[c] += dr[c];
        dgamma[c] += dr[c] * (xr[c] - mean[c]);
      }
    }
  }
}

/*
 * dx = γ/σ · (dy − dβ/M − x̂·dγ/M), dγ = Σ dy·x̂, dβ = Σ dy, with x̂ = (x − mean)/σ, σ = √(var + eps)
 * and M = rows (Ioffe & Szegedy 2015). Σ dy·(x − mean) becomes dγ once divided by σ. Then per
 * channel dx = dy·a − (x − mean)·p − t, with a = γ/σ, p = a·dγ/(σ·M), t = a·dβ/M: centring first
 * keeps the precision that x·(−p) + mean·p would lose to cancellation when |mean| ≫ σ.
 */
__attribute__((export_name("batch_norm_backward_factors")))
void batch_norm_backward_factors(const float *partial, int blocks, int rows, int cols, const float *variance, const float *gamma, float eps, float *dgamma,
                                 float *dbeta, float *a, float *p, float *t) {
  /* reduce_blocks divides by M; dβ and dγ are sums, so multiply back where they are outputs. */
  reduce_blocks(partial, blocks, 2 * cols, rows, cols, dbeta);
  reduce_blocks(partial + cols, blocks, 2 * cols, rows, cols, dgamma);
  for (int c = 0; c < cols; c++) {
    const float inv_sigma = 1.0f / __builtin_sqrtf(variance[c] + eps);
    a[c] = gamma[c] * inv_sigma;
    p[c] = a[c] * inv_sigma * inv_sigma * dgamma[c];
    t[c] = a[c] * dbeta[c];
    dgamma[c] *= inv_sigma * (float)rows;
    dbeta[c] *= (float)rows;
  }
}

/* dx for the rows of blocks [from, to), from the factors above. */
__attribute__((export_name("batch_norm_input_gradient")))
void batch_norm_input_gradient(const float *x, const float *dy, const float *mean, const float *a, const float *p, const float *t, float *dx, int rows, int cols,
                               int block_rows, int from, int to) {
  const int vec = cols - cols % 4;
  const int first = from * block_rows, end = block_end(to - 1, block_rows, rows);
  for (int r = first; r < end; r++) {
    const float *xr = x + (long)r * cols;
    const float *dr = dy + (long)r * cols;
    float *out = dx + (long)r * cols;
    int c = 0;
    for (; c < vec; c += 4) {
      const v128_t centred = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
      const v128_t u = wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(dr + c), wasm_v128_load(a + c)), wasm_f32x4_mul(centred, wasm_v128_load(p + c)));
      wasm_v128_store(out + c, wasm_f32x4_sub(u, wasm_v128_load(t + c)));
    }
    for (; c < cols; c++) out[c] = dr[c] * a[c] - (xr[c] - mean[c]) * p[c] - t[c];
  }
}
