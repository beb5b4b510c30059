/*
 * BatchNorm in training mode over x seen as rows × cols (cols = channels, last axis), forward and
 * backward, each in few passes over the activation. Through tf.js ops the same maths takes 5
 * kernels forward and 9 backward, each a full pass over an activation that does not fit in cache.
 *
 * Per-channel sums accumulate in the output vectors themselves (mean, variance, dgamma, dbeta),
 * row by row, so the rows are read in memory order; per-channel factors go in a scratch buffer the
 * caller allocates on tf.js' heap (2·cols floats forward, 3·cols backward), as nothing here may use
 * a stack. Same build rules as filterGradient.c.
 */
#include <wasm_simd128.h>

static void zero(float *v, int n) {
  for (int c = 0; c < n; c++) v[c] = 0.0f;
}

/* y = (x − mean)/√(var + eps)·gamma + beta, with mean and (biased) variance over the rows. */
__attribute__((export_name("batch_norm_forward")))
void batch_norm_forward(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *variance, float *scratch, int rows, int cols,
                        float eps) {
  const int vec = cols - cols % 4;
  zero(mean, cols);
  zero(variance, cols);
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * cols;
    int c = 0;
    for (; c < vec; c += 4) wasm_v128_store(mean + c, wasm_f32x4_add(wasm_v128_load(mean + c), wasm_v128_load(xr + c)));
    for (; c < cols; c++) mean[c] += xr[c];
  }
  const float inv_rows = 1.0f / (float)rows;
  for (int c = 0; c < cols; c++) mean[c] *= inv_rows;
  /* Centred second pass: E[x²] − E[x]² loses the variance of activations with a large mean. */
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * cols;
    int c = 0;
    for (; c < vec; c += 4) {
      const v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
      wasm_v128_store(variance + c, wasm_f32x4_add(wasm_v128_load(variance + c), wasm_f32x4_mul(d, d)));
    }
    for (; c < cols; c++) {
      const float d = xr[c] - mean[c];
      variance[c] += d * d;
    }
  }
  for (int c = 0; c < cols; c++) variance[c] *= inv_rows;
  /* y = x·k + shift per channel: k = gamma/√(var + eps), shift = beta − mean·k. */
  float *k = scratch, *shift = scratch + cols;
  for (int c = 0; c < cols; c++) {
    k[c] = gamma[c] / __builtin_sqrtf(variance[c] + eps);
    shift[c] = beta[c] - mean[c] * k[c];
  }
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    int c = 0;
    for (; c < vec; c += 4) wasm_v128_store(yr + c, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(xr + c), wasm_v128_load(k + c)), wasm_v128_load(shift + c)));
    for (; c < cols; c++) yr[c] = xr[c] * k[c] + shift[c];
  }
}

/*
 * dx = γ/σ · (dy − dβ/M − x̂·dγ/M), dγ = Σ dy·x̂, dβ = Σ dy, with x̂ = (x − mean)/σ, σ = √(var + eps)
 * and M = rows (Ioffe & Szegedy 2015).
 */
__attribute__((export_name("batch_norm_backward")))
void batch_norm_backward(const float *x, const float *dy, const float *mean, const float *variance, const float *gamma, float *dx, float *dgamma,
                         float *dbeta, float *scratch, int rows, int cols, float eps) {
  const int vec = cols - cols % 4;
  zero(dgamma, cols);
  zero(dbeta, cols);
  for (int r = 0; r < rows; r++) {
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
  /*
   * Σ dy·(x − mean) becomes dγ = Σ dy·x̂ once divided by σ. Then per channel
   * dx = dy·a − (x − mean)·p − t, with a = γ/σ, p = a·dγ/(σ·M), t = a·dβ/M: centring first keeps
   * the precision that x·(−p) + mean·p would lose to cancellation when |mean| ≫ σ.
   */
  float *a = scratch, *p = scratch + cols, *t = scratch + 2 * cols;
  const float inv_rows = 1.0f / (float)rows;
  for (int c = 0; c < cols; c++) {
    const float inv_sigma = 1.0f / __builtin_sqrtf(variance[c] + eps);
    dgamma[c] *= inv_sigma;
    a[c] = gamma[c] * inv_sigma;
    p[c] = a[c] * inv_sigma * dgamma[c] * inv_rows;
    t[c] = a[c] * dbeta[c] * inv_rows;
  }
  for (int r = 0; r < rows; r++) {
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
