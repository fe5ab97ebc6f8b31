// The playground (apps/playground) in Debian's headless Chromium: the workspace packages' main entries built
// by Vite, a CNN trained in the page on the wasm backend, its Grad-CAM and occlusion maps, augmentations, and
// tokens that must equal what the same functions give under Node.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { jamoTokenize, syllableTokenize, trainBpe, wordTokenize } from '@deepcourse/nlp-tokenize-embed';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BPE_OPTIONS, bpeTrainingTexts } from '../../playground/src/tokenizer-corpus.js';
import { ARTIFACTS, CHROMIUM, HAS_CHROMIUM, REPO_ROOT } from './paths.js';
import { serveDirectory, type StaticServer } from './static-server.js';

const run = promisify(execFile);
const PLAYGROUND = join(REPO_ROOT, 'apps/playground');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const KOREAN_TEXT = '커피 한잔 어때요? 좋아요';
const MIXED_TEXT = "Grad-CAM은 어디를 봤을까? Let's see 👀";

/** The part of the page's `window.__playground` the test reads. */
interface PlaygroundState {
  ready: boolean;
  backend?: string;
  backendReason?: string;
  timeToFirstPredictionMs?: number;
  trainingMs?: number;
  trainingDigits?: number;
  heldOutAccuracy?: number;
  predictions: number;
  lastPrediction?: { source: string; predicted: number; probability: number; label?: number; gradCamLayer: string };
  tokenizations: number;
  timings: Record<string, number>;
  error?: string;
}
type PageWindow = Window & { __playground?: PlaygroundState };

/** Builds apps/playground into its dist/ with the playground's own Vite (about 5 s; the packages compile from source). */
async function buildPlayground(): Promise<void> {
  const vitePackage = createRequire(join(PLAYGROUND, 'package.json')).resolve('vite/package.json');
  await run(process.execPath, [join(dirname(vitePackage), 'bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: PLAYGROUND,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stderr?: string; stdout?: string; code?: number }) => {
    throw new Error(`vite build of apps/playground exited with ${error.code}:\n${(error.stderr ?? '') + (error.stdout ?? '')}`.slice(0, 6000));
  });
}

async function playgroundState(page: Page): Promise<PlaygroundState> {
  return page.evaluate(() => structuredClone((window as PageWindow).__playground!));
}

/** Waits until the page is ready or has failed, and returns its state. */
async function waitUntilReady(page: Page, timeout: number): Promise<PlaygroundState> {
  await page.waitForFunction(() => {
    const state = (window as PageWindow).__playground;
    return state !== undefined && (state.ready || state.error !== undefined);
  }, undefined, { timeout, polling: 250 });
  return playgroundState(page);
}

/** Waits for the analysis of `source` to be on the page. */
async function waitForPrediction(page: Page, source: string): Promise<NonNullable<PlaygroundState['lastPrediction']>> {
  await page.waitForFunction((expected) => (window as PageWindow).__playground?.lastPrediction?.source === expected, source, { timeout: 30_000, polling: 50 });
  return (await playgroundState(page)).lastPrediction!;
}

/** Pixels of a canvas whose red and blue differ by more than 40: colour a grey digit gets only from a heatmap. */
async function colouredPixels(page: Page, selector: string): Promise<{ coloured: number; total: number }> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - data[i + 2]!) > 40) coloured++;
    return { coloured, total: data.length / 4 };
  });
}

async function tokensShown(page: Page, kind: string): Promise<string[]> {
  return page.$$eval(`ol[data-kind="${kind}"] li`, (items) => items.map((item) => (item as HTMLElement).dataset.token ?? ''));
}

async function typeIntoTokenizer(page: Page, text: string): Promise<void> {
  const before = (await playgroundState(page)).tokenizations;
  await page.fill('#tokenizer-input', text);
  await page.waitForFunction((count) => (window as PageWindow).__playground!.tokenizations > count, before, { timeout: 10_000 });
}

if (!HAS_CHROMIUM) console.warn(`skipping the playground-in-browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!HAS_CHROMIUM)('the playground in headless Chromium', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    const started = performance.now();
    await buildPlayground();
    console.log(`playground: vite build in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    server = await serveDirectory(join(PLAYGROUND, 'dist'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('on wasm: trains, predicts held-out digits, draws Grad-CAM and occlusion, and tokenizes as Node does', { timeout: 300_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    try {
      await page.goto(`${server.origin}/?backend=wasm`, { waitUntil: 'load' });
      const state = await waitUntilReady(page, 240_000);
      expect(state.error).toBeUndefined();
      expect(state.backend).toBe('wasm');
      console.log(
        `playground on wasm: first prediction ${(state.timeToFirstPredictionMs! / 1000).toFixed(1)} s after navigation ` +
          `(training ${(state.trainingMs! / 1000).toFixed(1)} s on ${state.trainingDigits} digits), held-out accuracy ${(state.heldOutAccuracy! * 100).toFixed(1)}%; ` +
          `steps (ms): ${JSON.stringify(state.timings)}`,
      );
      expect(state.timeToFirstPredictionMs).toBeGreaterThan(state.trainingMs!);
      expect(state.trainingDigits).toBe(2500);
      expect(state.heldOutAccuracy).toBeGreaterThan(0.85);
      // The .wasm files came from the app's own build output, as application/wasm.
      expect(server.requests.filter((r) => r.path.endsWith('.wasm')).map((r) => r.status)).toEqual([200]);

      // Clear the pad (it shows the picked digit) and draw a stroke: the drawing is analysed.
      await page.click('#clear-pad');
      const pad = (await page.$('#drawing-pad'))!;
      const box = (await pad.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
      await page.mouse.down();
      for (let step = 1; step <= 10; step++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.2 + 0.06 * step));
      await page.mouse.up();
      const drawn = await waitForPrediction(page, 'drawing');
      console.log(`playground: a vertical stroke is read as ${drawn.predicted} (${(drawn.probability * 100).toFixed(0)}%)`);
      expect(drawn.predicted).toBe(1);

      // Pick every held-out sample digit: the prediction, Grad-CAM and occlusion of each are shown.
      const samples = await page.$$eval('button.sample-digit', (buttons) => buttons.map((b) => Number((b as HTMLElement).dataset.label)));
      expect(samples).toHaveLength(20);
      const right: number[] = [];
      for (let index = samples.length - 1; index >= 0; index--) {
        await page.click(`button.sample-digit[data-index="${index}"]`);
        const prediction = await waitForPrediction(page, `sample:${index}`);
        expect(prediction.label).toBe(samples[index]);
        if (prediction.predicted === prediction.label) right.push(index);
      }
      console.log(`playground: ${right.length} of ${samples.length} picked held-out digits predicted right`);
      expect(right.length).toBeGreaterThanOrEqual(16);
      // Back to the first one it gets right, for the heatmap checks and the screenshot.
      await page.click(`button.sample-digit[data-index="${right.at(-1)}"]`);
      const last = await waitForPrediction(page, `sample:${right.at(-1)}`);
      expect(last.predicted).toBe(last.label);
      expect(last.gradCamLayer).toMatch(/conv2d/);
      expect(await page.textContent('#prediction')).toBe(String(last.predicted));
      for (const canvas of ['#grad-cam', '#occlusion']) {
        const { coloured, total } = await colouredPixels(page, canvas);
        expect(total).toBe(28 * 28);
        expect(coloured, `${canvas} shows a heatmap`).toBeGreaterThan(100);
      }
      expect((await colouredPixels(page, '#input-digit')).coloured).toBe(0);
      const grid = await page.$eval('#augmentations', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
      expect(grid).toEqual([6 * 28 + 7 * 2, 2 * 28 + 3 * 2]); // the digit and 11 copies, 6 a row, 2 px apart and around

      // The tokenizer box against the same functions under Node.
      const bpe = trainBpe(bpeTrainingTexts(), BPE_OPTIONS);
      for (const text of [MIXED_TEXT, KOREAN_TEXT]) {
        await typeIntoTokenizer(page, text);
        expect(await tokensShown(page, 'word')).toEqual(wordTokenize(text));
        expect(await tokensShown(page, 'syllable')).toEqual(syllableTokenize(text));
        expect(await tokensShown(page, 'jamo')).toEqual(jamoTokenize(text));
        expect(await tokensShown(page, 'bpe')).toEqual(bpe.encode(text).tokens);
      }
      expect(await tokensShown(page, 'word')).toEqual(['커피', '한잔', '어때요', '?', '좋아요']);
      expect((await tokensShown(page, 'jamo')).slice(0, 4)).toEqual(['ᄏ', 'ᅥ', 'ᄑ', 'ᅵ']);

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('on webgl, where headless Chromium has it', { timeout: 300_000 }, async (context) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${server.origin}/`, { waitUntil: 'domcontentloaded' });
      const renderer = await page.evaluate(() => {
        const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
        if (gl === null) return null;
        const debug = gl.getExtension('WEBGL_debug_renderer_info');
        return String(gl.getParameter(debug === null ? gl.RENDERER : debug.UNMASKED_RENDERER_WEBGL));
      });
      if (renderer === null || /swiftshader|llvmpipe|softpipe|software/i.test(renderer)) {
        // Software WebGL trains this CNN far slower than wasm (212 s against 12 s measured here); auto mode picks wasm there too.
        console.warn(`skipping the webgl run: this headless Chromium has ${renderer === null ? 'no WebGL' : `only software WebGL (${renderer})`}`);
        context.skip();
        return;
      }
      await page.goto(`${server.origin}/?backend=webgl`, { waitUntil: 'load' });
      const state = await waitUntilReady(page, 240_000);
      if (state.error !== undefined && /webgl/i.test(state.error)) {
        console.warn(`skipping the webgl run: ${state.error}`);
        context.skip();
        return;
      }
      expect(state.error).toBeUndefined();
      expect(state.backend).toBe('webgl');
      console.log(`playground on webgl: first prediction ${(state.timeToFirstPredictionMs! / 1000).toFixed(1)} s, held-out accuracy ${(state.heldOutAccuracy! * 100).toFixed(1)}%`);
      expect(state.heldOutAccuracy).toBeGreaterThan(0.85);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
