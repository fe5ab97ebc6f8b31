import { overlayHeatmap, tf } from '@deepcourse/backend';
import { gradCam, occlusion } from '@deepcourse/xai';

export interface DigitAnalysis {
  /** Softmax probability of each digit 0..9. */
  probabilities: number[];
  predicted: number;
  /** The conv layer Grad-CAM read. */
  gradCamLayer: string;
}

export interface AnalysisCanvases {
  input: HTMLCanvasElement;
  gradCam: HTMLCanvasElement;
  occlusion: HTMLCanvasElement;
}

/** Occlusion patch: 6x6 pixels moved 2 at a time, filled with 0 (background). */
export const OCCLUSION = { window: 6, stride: 2, baseline: 0 } as const;

/**
 * Predicts one digit (784 pixels in [0, 1]) and draws it, its Grad-CAM (of layer `camLayer`) and its occlusion
 * map (both for the predicted class, over the digit) on the canvases. Leaves no tensors behind.
 */
export async function analyseDigit(model: tf.LayersModel, camLayer: string, pixels: Float32Array, canvases: AnalysisCanvases): Promise<DigitAnalysis> {
  const image = tf.tensor4d(pixels, [1, 28, 28, 1]);
  try {
    const probabilities = Array.from(tf.tidy(() => (model.predict(image) as tf.Tensor).dataSync()));
    const predicted = probabilities.indexOf(Math.max(...probabilities));
    const cam = await gradCam(model, image, { targets: [predicted], layer: camLayer });
    const occluded = await occlusion(model, image, { targets: [predicted], ...OCCLUSION });
    try {
      await drawImage(image, canvases.input);
      await drawOverlay(image, cam.heatmaps, canvases.gradCam);
      await drawOverlay(image, occluded.heatmaps, canvases.occlusion);
    } finally {
      tf.dispose([cam.heatmaps, occluded.heatmaps]);
    }
    return { probabilities, predicted, gradCamLayer: cam.layer };
  } finally {
    image.dispose();
  }
}

async function drawImage(image: tf.Tensor4D, canvas: HTMLCanvasElement): Promise<void> {
  const picture = tf.tidy(() => image.squeeze([0]).clipByValue(0, 1) as tf.Tensor3D);
  try {
    await tf.browser.toPixels(picture, canvas);
  } finally {
    picture.dispose();
  }
}

/** `overlayHeatmap` of @deepcourse/backend: the map (its own min..max through 'jet') blended over the digit. */
async function drawOverlay(image: tf.Tensor4D, heatmaps: tf.Tensor3D, canvas: HTMLCanvasElement): Promise<void> {
  const blended = tf.tidy(() =>
    overlayHeatmap(image.squeeze([0]) as tf.Tensor3D, heatmaps.squeeze([0]), { colormap: 'jet', alpha: 0.5 }).clipByValue(0, 1) as tf.Tensor3D,
  );
  try {
    await tf.browser.toPixels(blended, canvas);
  } finally {
    blended.dispose();
  }
}
