import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WASM_KERNELS } from '../../../src/engine/backends/wasmKernels/native/binaries';
import { startNativeKernels } from '../../../src/engine/backends/wasmKernels/native/nativeKernels';

const root = join(import.meta.dirname, '..', '..', '..');
const folder = join(root, 'src', 'engine', 'backends', 'wasmKernels', 'native');
const toolsPresent = ['clang', 'wasm-ld', 'wasm2wat'].every((tool) => spawnSync(tool, ['--version']).status === 0);

describe("the engine's own wasm kernels", () => {
  // CI installs the tools (.ci/run); a developer machine without them skips the rebuild only.
  it.skipIf(!toolsPresent && process.env.CI !== 'true')('binaries.ts is what the .c files build to (else: npm run wasm:kernels)', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'wasm-kernels.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('builds every .c file into one module, for a plain and a shared memory, exporting only the kernels', async () => {
    const sources = readdirSync(folder).filter((f) => f.endsWith('.c'));
    expect(sources.sort()).toEqual([
      'batchNorm.c',
      'channelSums.c',
      'convForward.c',
      'elementwise.c',
      'filterGradient.c',
      'flipFilter.c',
      'reluGradient.c',
      'statsSummary.c',
    ]);
    for (const [variant, text] of Object.entries(WASM_KERNELS)) {
      const module = await WebAssembly.compile(Buffer.from(text, 'base64'));
      expect(
        WebAssembly.Module.exports(module)
          .map((e) => e.name)
          .sort(),
        variant,
      ).toEqual([
        'activation_summary',
        'add_values',
        'batch_norm_backward_factors',
        'batch_norm_block_gradient_sums',
        'batch_norm_block_squares',
        'batch_norm_block_sums',
        'batch_norm_forward_factors',
        'batch_norm_input_gradient',
        'batch_norm_mean',
        'batch_norm_moving_averages',
        'batch_norm_scale_shift',
        'channel_sums',
        'conv2d_filter_gradient',
        'conv2d_forward',
        'flip_filter',
        'gradient_summary',
        'relu_forward',
        'relu_gradient',
        'weight_summary',
      ]);
      expect(WebAssembly.Module.imports(module), variant).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    }
  });

  it('says why they cannot start on a backend without a wasm memory, leaving the XNNPACK routes in place', async () => {
    expect(await startNativeKernels({})).toEqual({ ok: false, reason: "tf.js' wasm memory was not found on the backend" });
    expect(await startNativeKernels({ wasm: { asm: { memory: new ArrayBuffer(8) } } })).toEqual({
      ok: false,
      reason: "tf.js' wasm memory was not found on the backend",
    });
  });
});
