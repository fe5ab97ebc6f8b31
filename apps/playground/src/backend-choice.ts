import { initBackend, type BackendSelection } from '@deepcourse/backend';
// The wasm backend is the one @deepcourse/backend registers; the page only tells it where the .wasm files are.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** What `?backend=` may ask for: `auto` (default) is webgl where the browser has a GPU for it, else wasm. */
export const BACKEND_REQUESTS = ['auto', 'webgl', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];

export function backendFromQuery(search: string): BackendRequest {
  const value = new URLSearchParams(search).get('backend') ?? 'auto';
  if ((BACKEND_REQUESTS as readonly string[]).includes(value)) return value as BackendRequest;
  throw new Error(`?backend=${value}: expected one of ${BACKEND_REQUESTS.join(', ')}`);
}

/** The browser's WebGL renderer ('ANGLE (NVIDIA …)', 'SwiftShader …'), or undefined without WebGL. */
export function webGlRenderer(): string | undefined {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (context === null) return undefined;
  const debug = context.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(context.getParameter(debug === null ? context.RENDERER : debug.UNMASKED_RENDERER_WEBGL));
  context.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

/** Software rasterisers emulate WebGL on the CPU: there, wasm is many times faster. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}

/** Starts the requested backend through `initBackend`, with the wasm files served beside the page. */
export async function startBackend(request: BackendRequest, seed: number): Promise<BackendSelection> {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainWasmUrl,
    'tfjs-backend-wasm-simd.wasm': simdWasmUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasmUrl,
  });
  if (request !== 'auto') return initBackend({ backend: request, seed });
  const renderer = webGlRenderer();
  if (renderer === undefined || isSoftwareRenderer(renderer)) {
    const selection = await initBackend({ backend: 'wasm', seed });
    const why = renderer === undefined ? 'this browser has no WebGL' : `WebGL is emulated in software here (${renderer})`;
    return { ...selection, requested: 'auto', reason: `wasm: ${why}` };
  }
  try {
    const selection = await initBackend({ backend: 'webgl', seed });
    return { ...selection, requested: 'auto', reason: `webgl: the browser has WebGL (${renderer})` };
  } catch (error) {
    const selection = await initBackend({ backend: 'wasm', seed });
    return { ...selection, requested: 'auto', reason: `wasm: webgl did not start (${(error as Error).message})` };
  }
}
