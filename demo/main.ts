/** Reports what this browser offers toolplan: a WebGPU adapter, and threads for WASM. */
async function describeWebGpu(): Promise<string> {
  if (!('gpu' in navigator)) return 'not available in this browser (WASM will be used)';
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return 'no adapter (WASM will be used)';
  const { vendor, architecture, description } = adapter.info;
  const f16 = adapter.features.has('shader-f16') ? 'shader-f16' : 'no shader-f16';
  return [vendor, architecture, description].filter(Boolean).join(' · ') + ` (${f16})`;
}

document.getElementById('isolated')!.textContent = self.crossOriginIsolated ? 'yes' : 'no';
describeWebGpu().then(
  (text) => (document.getElementById('webgpu')!.textContent = text),
  (e: unknown) => (document.getElementById('webgpu')!.textContent = `error: ${String(e)}`),
);
