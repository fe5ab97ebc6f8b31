import { tf } from '@deepcourse/backend';
import { courseCnn, evaluateClassifier, trainClassifier, type TrainClassifierResult } from '@deepcourse/cnn-models';
import type { LabeledImages } from '@deepcourse/datasets';

/** The course CNN, slimmed down to train in seconds in a browser: Conv 8 → Conv 16 → MaxPool → Dense 64 → 10. */
export const CLASSIFIER = { filters: [8, 16] as [number, number], denseUnits: 64, epochs: 1, batchSize: 32, learningRate: 0.003 };

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
}

class ProgressCallback extends tf.Callback {
  private epoch = 0;

  constructor(
    private readonly batches: number,
    private readonly report: (progress: TrainingProgress) => void,
  ) {
    super();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number): Promise<void> {
    this.report({ epoch: this.epoch + 1, epochs: CLASSIFIER.epochs, batch: batch + 1, batches: this.batches });
  }
}

export interface TrainedClassifier {
  model: tf.LayersModel;
  training: TrainClassifierResult;
  parameters: number;
}

/** Builds the slim course CNN (seeded) and trains it on `train` with @deepcourse/cnn-models' `trainClassifier`. */
export async function trainDigitClassifier(train: LabeledImages, seed: number, report: (progress: TrainingProgress) => void): Promise<TrainedClassifier> {
  const model = courseCnn({ filters: CLASSIFIER.filters, denseUnits: CLASSIFIER.denseUnits, seed, name: 'playground_cnn' });
  const batches = Math.ceil((train.images.shape[0] as number) / CLASSIFIER.batchSize);
  const training = await trainClassifier(model, train, {
    epochs: CLASSIFIER.epochs,
    batchSize: CLASSIFIER.batchSize,
    learningRate: CLASSIFIER.learningRate,
    seed,
    progress: false,
    callbacks: [new ProgressCallback(batches, report)],
  });
  return { model, training, parameters: model.countParams() };
}

/** The name of the model's last convolution: Grad-CAM reads it (the layers after it, pooling and dropout, are 4-D too). */
export function lastConvLayer(model: tf.LayersModel): string {
  const conv = model.layers.filter((layer) => layer.getClassName() === 'Conv2D').at(-1);
  if (conv === undefined) throw new Error(`${model.name} has no Conv2D layer`);
  return conv.name;
}

/** Accuracy on held-out digits. */
export async function heldOutAccuracy(model: tf.LayersModel, test: LabeledImages): Promise<number> {
  return (await evaluateClassifier(model, test)).accuracy;
}
