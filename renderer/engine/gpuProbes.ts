import type { GpuProbe } from '../../src/engine/backends/browser';

/** The slice of GPUAdapter the probe reads; older Chromium has isFallbackAdapter on the adapter, newer on its info. */
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

/** Renderer strings of GPUs that are really CPU code (Chromium's SwiftShader, Mesa's llvmpipe, Windows' WARP). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver|warp/i;

export async function probeWebGpu(scope: { navigator: Navigator }): Promise<GpuProbe> {
  const gpu = (scope.navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { available: false, reason: 'this browser offers no WebGPU here (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, reason: `requesting a WebGPU adapter failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!adapter) return { available: false, reason: 'WebGPU found no usable GPU adapter (none present, or disabled or blocklisted by the browser)' };
  const info = adapter.info ?? {};
  const device =
    [info.vendor, info.architecture, info.device, info.description].filter((part) => part !== undefined && part !== '').join(' ') || 'unnamed adapter';
  const software = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE_RENDERER.test(device);
  return { available: true, device, software };
}

/** A throwaway WebGL2 context on an OffscreenCanvas, the kind tf.js' WebGL backend makes in a worker. */
export function probeWebGl(): GpuProbe {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, reason: 'no OffscreenCanvas in this worker, so no WebGL context' };
  let gl: WebGL2RenderingContext | null;
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  } catch (error) {
    return { available: false, reason: `creating a WebGL2 context failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!gl) return { available: false, reason: 'no WebGL2 context (no GPU, or WebGL disabled or blocklisted by the browser)' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const device = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, device, software: SOFTWARE_RENDERER.test(device) };
}

/** Values whose bytes are all non-zero, so a read that returns zeros or shuffles channels shows. */
const READBACK_PROBE = new Float32Array([0.668, -3.25, 1234.5678, 1e-3]);

/**
 * Tries, on a throwaway device, the route tfjs-backend-webgpu's readSync takes: copy a buffer into the
 * texture of a WebGPU canvas ('opaque'), draw that onto a 2D canvas and read its pixels (tf.js then swaps
 * BGRA to RGBA and takes alpha from a second, 'premultiplied' canvas). Checks the colour channels.
 * Headless Chromium on SwiftShader returns zeros here and loses the device's instance, which is why the
 * probe never uses tf.js' own device.
 */
export async function probeWebGpuSyncReadback(scope: { navigator: Navigator }): Promise<string | null> {
  const gpu = (scope.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return 'navigator.gpu is missing';
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas, through which tf.js reads WebGPU tensors synchronously';
  let device: GPUDevice | null = null;
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return 'no adapter for the readback test';
    const probeDevice = await adapter.requestDevice();
    device = probeDevice;
    const pixels = READBACK_PROBE.length;
    const source = probeDevice.createBuffer({ size: READBACK_PROBE.byteLength, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    new Float32Array(source.getMappedRange()).set(READBACK_PROBE);
    source.unmap();
    const gpuCanvas = new OffscreenCanvas(256, 1);
    const context = gpuCanvas.getContext('webgpu');
    if (!context) return 'no WebGPU canvas context';
    context.configure({ device: probeDevice, format: 'bgra8unorm', usage: GPUTextureUsage.COPY_DST, alphaMode: 'opaque' });
    const encoder = probeDevice.createCommandEncoder();
    encoder.copyBufferToTexture({ buffer: source, bytesPerRow: 256 * 4 }, { texture: context.getCurrentTexture() }, { width: pixels, height: 1 });
    probeDevice.queue.submit([encoder.finish()]);
    const host = new OffscreenCanvas(256, 1).getContext('2d', { willReadFrequently: true });
    if (!host) return 'no 2D canvas context';
    host.drawImage(gpuCanvas, 0, 0);
    const read = host.getImageData(0, 0, pixels, 1).data;
    const want = new Uint8Array(READBACK_PROBE.buffer);
    for (let i = 0; i < pixels * 4; i += 4) {
      // The canvas holds BGRA: read[i] is the source's byte i + 2, read[i + 2] its byte i.
      if (read[i] !== want[i + 2] || read[i + 1] !== want[i + 1] || read[i + 2] !== want[i]) {
        const zeros = read.every((byte) => byte === 0);
        await adapterBack(gpu);
        return zeros ? 'a test value copied through a WebGPU canvas read back as zeros' : 'a test value copied through a WebGPU canvas read back changed';
      }
    }
    return null;
  } catch (error) {
    await adapterBack(gpu);
    return `the readback test failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    device?.destroy();
  }
}

/**
 * A failed canvas readback resets this context's WebGPU connection: measured on SwiftShader, the next
 * requestAdapter() answers null and one 100 ms later an adapter again. Waits for that, so tf.js finds one.
 */
async function adapterBack(gpu: GPU): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 50) {
    if (await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
