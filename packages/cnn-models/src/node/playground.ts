import { join } from 'node:path';
import { tf, type HistoryJSON } from '@deepcourse/backend';
import { writePng } from '@deepcourse/backend/node';
import type { ClassificationData } from '../data.js';
import { decisionBoundaryImage, type DecisionBoundaryOptions } from '../decision-boundary.js';
import { evaluateClassifier } from '../evaluate.js';
import { mlp, type MlpOptions } from '../models/mlp.js';
import { trainClassifier, type TrainClassifierOptions } from '../train.js';

export interface PlaygroundOptions {
  /** The network (default: 2 hidden layers of 8 ReLU units, like the Playground's start). */
  model?: Omit<MlpOptions, 'inputShape'>;
  /** Training settings (default 100 epochs, batch 10, Adam 0.03, no progress output). */
  training?: TrainClassifierOptions;
  /** Folder for the PNGs; nothing is written when absent. */
  outDir?: string;
  /** Also write one frame per `frameEvery` epochs (frame-0001.png, ...); default: only the final picture. */
  frameEvery?: number;
  /** Image options (size, margin, colours). */
  image?: DecisionBoundaryOptions;
  /** Seed of the weights and of training (default 1). */
  seed?: number;
}

export interface PlaygroundResult {
  model: tf.LayersModel;
  history: HistoryJSON;
  /** Accuracy on the training points after training. */
  accuracy: number;
  /** Paths of the written PNGs (frames, then `decision-boundary.png`). */
  files: string[];
}

/**
 * The TensorFlow Playground in Node: trains an MLP on 2-D points and renders
 * its decision boundary over them as PNGs, one frame per epoch if asked.
 * The caller owns (and disposes) the returned model.
 *
 * ```ts
 * const { accuracy, files } = await playground(spiral, { model: { hiddenUnits: [16, 16] }, outDir: 'out', frameEvery: 10 });
 * ```
 */
export async function playground(data: ClassificationData, options: PlaygroundOptions = {}): Promise<PlaygroundResult> {
  const seed = options.seed ?? 1;
  const model = mlp({ hiddenUnits: [8, 8], numClasses: 2, ...options.model, inputShape: [2], seed: options.model?.seed ?? seed });
  const files: string[] = [];
  const frameEvery = options.frameEvery;
  const writeFrame = async (name: string) => {
    if (!options.outDir) return;
    const image = decisionBoundaryImage(model, data, options.image);
    const path = join(options.outDir, name);
    try {
      await writePng(path, image);
    } finally {
      image.dispose();
    }
    files.push(path);
  };
  const frames = new (class extends tf.Callback {
    override async onEpochEnd(epoch: number): Promise<void> {
      if (frameEvery && (epoch + 1) % frameEvery === 0) await writeFrame(`frame-${String(epoch + 1).padStart(4, '0')}.png`);
    }
  })();
  try {
    const result = await trainClassifier(model, data, {
      epochs: 100,
      batchSize: 10,
      learningRate: 0.03,
      progress: false,
      seed,
      ...options.training,
      callbacks: [...(options.training?.callbacks ?? []), frames],
    });
    await writeFrame('decision-boundary.png');
    const { accuracy } = await evaluateClassifier(model, data);
    return { model, history: result.history, accuracy, files };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
