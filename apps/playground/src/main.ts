import './style.css';
import { tf } from '@deepcourse/backend';
import type { LabeledImages } from '@deepcourse/datasets';
import { drawAugmentations } from './augmentation-preview.js';
import { backendFromQuery, startBackend } from './backend-choice.js';
import { CLASSIFIER, heldOutAccuracy, lastConvLayer, trainDigitClassifier } from './classifier.js';
import { digitAt, loadDigits } from './digits.js';
import { DrawingPad } from './drawing-pad.js';
import { analyseDigit } from './explanations.js';
import { bpeTrainingTexts } from './tokenizer-corpus.js';
import { renderTokens, tokenize, trainPlaygroundBpe } from './tokenizer-box.js';

/** Every seed of the page (data split, weights, shuffling, augmentations) starts here. */
const SEED = 7;
const HELD_OUT_DIGITS = 500;
const SAMPLE_BUTTONS = 20;

/** What the page has done so far; read by the browser test as `window.__playground`. */
export interface PlaygroundState {
  /** The model is trained and the first prediction is on the page. */
  ready: boolean;
  backend: string | undefined;
  backendReason: string | undefined;
  /** Milliseconds from navigation start to the first prediction shown (training included). */
  timeToFirstPredictionMs: number | undefined;
  trainingMs: number | undefined;
  trainingDigits: number | undefined;
  heldOutAccuracy: number | undefined;
  /** Number of digits analysed (prediction, Grad-CAM, occlusion). */
  predictions: number;
  lastPrediction: { source: string; predicted: number; probability: number; label: number | undefined; gradCamLayer: string } | undefined;
  /** Times the tokenizer box was filled. */
  tokenizations: number;
  /** Milliseconds of each startup step, in order. */
  timings: Record<string, number>;
  error: string | undefined;
}

declare global {
  interface Window {
    __playground: PlaygroundState;
  }
}

const state: PlaygroundState = {
  ready: false,
  backend: undefined,
  backendReason: undefined,
  timeToFirstPredictionMs: undefined,
  trainingMs: undefined,
  trainingDigits: undefined,
  heldOutAccuracy: undefined,
  predictions: 0,
  lastPrediction: undefined,
  tokenizations: 0,
  timings: {},
  error: undefined,
};
window.__playground = state;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

function setStatus(text: string): void {
  element('status').textContent = text;
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  state.error = message;
  const status = element('status');
  status.textContent = `Error: ${message}`;
  status.classList.add('error');
  console.error(error);
}

/** Runs one startup step and records how long it took in `state.timings`. */
async function timed<T>(name: string, step: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    state.timings[name] = Math.round(performance.now() - started);
  }
}

async function main(): Promise<void> {
  state.timings.pageLoad = Math.round(performance.now());
  const selection = await timed('backend', () => startBackend(backendFromQuery(window.location.search), SEED));
  state.backend = selection.backend;
  state.backendReason = selection.reason;
  element('backend').textContent = selection.backend;
  element('backend-reason').textContent = `(${selection.reason})`;

  await timed('tokenizer', setupTokenizerBox);

  setStatus('Loading 3,000 MNIST digits…');
  const digits = await timed('digits', () => loadDigits(HELD_OUT_DIGITS, SEED));
  const trainingDigits = digits.train.images.shape[0];
  state.trainingDigits = trainingDigits;

  const { model, parameters } = await timed('training', () =>
    trainDigitClassifier(digits.train, SEED, (p) =>
      setStatus(`Training the CNN on ${trainingDigits} digits: epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}`),
    ),
  );
  state.trainingMs = state.timings.training;
  tf.dispose([digits.train.images, digits.train.labels]);
  const modelFacts =
    `Course CNN (filters ${CLASSIFIER.filters.join('/')}, dense ${CLASSIFIER.denseUnits}, ${parameters.toLocaleString('en')} parameters), ` +
    `trained here for ${CLASSIFIER.epochs} epoch${CLASSIFIER.epochs > 1 ? 's' : ''} on ${trainingDigits} digits in ${(state.trainingMs! / 1000).toFixed(1)} s`;
  element('model-facts').textContent = `${modelFacts}.`;

  const analyse = analysisQueue(model, lastConvLayer(model));
  const pad = new DrawingPad(element('drawing-pad'), (pixels) => {
    selectSample(undefined);
    analyse({ pixels, source: 'drawing', label: undefined });
  });
  element('clear-pad').addEventListener('click', () => pad.clear());
  const samples = await renderSamples(digits.test, (index, pixels, label) => {
    selectSample(index);
    pad.showDigit(pixels);
    analyse({ pixels, source: `sample:${index}`, label });
  });

  const first = samples[0]!;
  selectSample(0);
  pad.showDigit(first.pixels);
  await timed('firstAnalysis', () => analyse({ pixels: first.pixels, source: 'sample:0', label: first.label }));
  state.timeToFirstPredictionMs = performance.now();
  element('time-to-first-prediction').textContent = `${(state.timeToFirstPredictionMs / 1000).toFixed(1)} s`;

  const accuracy = await timed('heldOutEvaluation', () => heldOutAccuracy(model, digits.test));
  state.heldOutAccuracy = accuracy;
  element('model-facts').textContent = `${modelFacts}; ${(accuracy * 100).toFixed(1)}% right on ${HELD_OUT_DIGITS} held-out digits.`;
  tf.dispose([digits.test.images, digits.test.labels]);
  state.ready = true;
  setStatus('Ready: draw a digit or pick one; type in the tokenizer box.');
}

interface AnalysisJob {
  pixels: Float32Array;
  source: string;
  label: number | undefined;
}

/** Runs one analysis at a time; while one runs, only the latest request waits. Resolves when `job` (or a later one) is shown. */
function analysisQueue(model: tf.LayersModel, camLayer: string): (job: AnalysisJob) => Promise<void> {
  let pending: AnalysisJob | undefined;
  let running: Promise<void> | undefined;
  let augmentSeed = SEED;
  let current: Float32Array | undefined;
  const canvases = { input: element<HTMLCanvasElement>('input-digit'), gradCam: element<HTMLCanvasElement>('grad-cam'), occlusion: element<HTMLCanvasElement>('occlusion') };

  const showAugmentations = async (): Promise<void> => {
    if (current === undefined) return;
    element('augment-seed').textContent = String(augmentSeed);
    await drawAugmentations(current, augmentSeed, element('augmentations'));
  };
  element('reseed').addEventListener('click', () => {
    augmentSeed += 1;
    showAugmentations().catch(fail);
  });

  const show = async (job: AnalysisJob): Promise<void> => {
    const analysis = await analyseDigit(model, camLayer, job.pixels, canvases);
    current = job.pixels;
    await showAugmentations();
    renderProbabilities(analysis.probabilities, analysis.predicted);
    element('grad-cam-layer').textContent = `(${analysis.gradCamLayer})`;
    state.predictions += 1;
    state.lastPrediction = {
      source: job.source,
      predicted: analysis.predicted,
      probability: analysis.probabilities[analysis.predicted]!,
      label: job.label,
      gradCamLayer: analysis.gradCamLayer,
    };
  };
  const drain = async (): Promise<void> => {
    while (pending !== undefined) {
      const job = pending;
      pending = undefined;
      await show(job);
    }
  };
  return (job) => {
    pending = job;
    running ??= drain()
      .catch(fail)
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}

function renderProbabilities(probabilities: readonly number[], predicted: number): void {
  element('prediction').textContent = String(predicted);
  element('confidence').textContent = `(${(probabilities[predicted]! * 100).toFixed(1)}%)`;
  element('probabilities').replaceChildren(
    ...probabilities.map((p, digit) => {
      const item = document.createElement('li');
      item.classList.toggle('top', digit === predicted);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(p * 100).toFixed(1)}%`;
      const track = document.createElement('span');
      track.className = 'track';
      track.append(bar);
      item.append(String(digit), track, `${(p * 100).toFixed(1)}%`);
      return item;
    }),
  );
}

/** Buttons for the first `SAMPLE_BUTTONS` held-out digits; returns their pixels and labels. */
async function renderSamples(
  test: LabeledImages,
  onPick: (index: number, pixels: Float32Array, label: number) => void,
): Promise<{ pixels: Float32Array; label: number }[]> {
  const samples = Array.from({ length: SAMPLE_BUTTONS }, (_, i) => digitAt(test, i));
  const buttons = await Promise.all(
    samples.map(async ({ pixels, label }, index) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sample-digit';
      button.dataset.index = String(index);
      button.dataset.label = String(label);
      button.title = `a held-out ${label}`;
      const canvas = document.createElement('canvas');
      const picture = tf.tensor3d(pixels, [28, 28, 1]);
      try {
        await tf.browser.toPixels(picture, canvas);
      } finally {
        picture.dispose();
      }
      button.append(canvas);
      button.addEventListener('click', () => onPick(index, pixels, label));
      return button;
    }),
  );
  element('samples').replaceChildren(...buttons);
  return samples;
}

function selectSample(index: number | undefined): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button.sample-digit')) {
    button.classList.toggle('selected', button.dataset.index === String(index));
  }
}

function setupTokenizerBox(): void {
  const started = performance.now();
  const bpe = trainPlaygroundBpe();
  element('bpe-facts').textContent =
    `(character-level: ${bpe.model.merges.length} merges, ${bpe.model.vocab.size.toLocaleString('en')} pieces, learnt here in ${Math.round(performance.now() - started)} ms ` +
    `from ${bpeTrainingTexts().length} bundled Korean and English sentences)`;
  const input = element<HTMLTextAreaElement>('tokenizer-input');
  const update = (): void => {
    renderTokens(element('tokens'), tokenize(input.value, bpe));
    state.tokenizations += 1;
  };
  input.addEventListener('input', update);
  update();
}

main().catch(fail);
