import type { GpuProbe } from '../../src/engine/backends/browser';

/** The slice of the WebGPU API the probe reads (the renderer is compiled without @webgpu/types). */
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
