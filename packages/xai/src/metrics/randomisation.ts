import { tf, InvalidArgumentError, ShapeError, seedStream } from '@deepcourse/backend';
import { spearmanRankCorrelation } from './rank-correlation.js';

/** Produces one map per image; `run` (0, 1, ...) lets a stochastic method use a different seed per run. */
export type ExplainFunction = (model: tf.LayersModel, images: tf.Tensor, run: number) => Promise<tf.Tensor>;

export interface RandomisationCheckOptions {
  /** Seed of the re-initialised weights; default 0. */
  seed?: number;
  /** Compare absolute values of the maps (Adebayo et al. report both); default true. */
  absolute?: boolean;
}

export interface RandomisationCheckResult {
  /** Per image: Spearman correlation between two runs of `explain` on the trained model. */
  trainedVsTrained: number[];
  /** Per image: Spearman correlation between the trained model's map and the re-initialised model's map. */
  trainedVsRandomised: number[];
  /** Means over the images whose correlation is defined (NaN entries, from constant maps, are left out). */
  meanTrainedVsTrained: number;
  meanTrainedVsRandomised: number;
  /** Images whose randomised map was constant (no ranking, correlation undefined). */
  constantRandomisedMaps: number;
}

/**
 * The model-randomisation sanity check (Adebayo et al. 2018): an explanation
 * that depends on what the model learned must change when the weights are
 * re-initialised. Compares the rank correlation of the trained model's maps
 * with a second run of themselves and with the maps of the same architecture
 * with every weight redrawn (kernels Glorot-uniform, seeded; biases and betas
 * 0; gammas and moving variances 1). The model's own weights are put back
 * before this returns, also when `explain` throws.
 */
export async function modelRandomisationCheck(
  model: tf.LayersModel,
  images: tf.Tensor,
  explain: ExplainFunction,
  options: RandomisationCheckOptions = {},
): Promise<RandomisationCheckResult> {
  if (typeof explain !== 'function') throw new InvalidArgumentError('explain', 'a function (model, images, run) => Promise<maps>', explain);
  const absolute = options.absolute ?? true;
  const n = images.shape[0] as number;
  const read = async (maps: tf.Tensor, what: string): Promise<Float32Array[]> => {
    try {
      if (maps.shape[0] !== n) throw new ShapeError(`explain(...) ${what}`, `one map per image (${n})`, `shape [${maps.shape.join(', ')}]`);
      const values = (await maps.data()) as Float32Array;
      const size = values.length / n;
      return Array.from({ length: n }, (_, i) => {
        const row = values.slice(i * size, (i + 1) * size);
        return absolute ? row.map(Math.abs) : row;
      });
    } finally {
      maps.dispose();
    }
  };
  const first = await read(await explain(model, images, 0), 'run 0');
  const second = await read(await explain(model, images, 1), 'run 1');
  const saved = model.weights.map((w) => w.read().clone());
  let randomised: Float32Array[];
  try {
    reinitialiseWeights(model, options.seed ?? 0);
    randomised = await read(await explain(model, images, 0), 'on the re-initialised model');
  } finally {
    model.weights.forEach((w, i) => w.write(saved[i] as tf.Tensor));
    saved.forEach((t) => t.dispose());
  }
  const trainedVsTrained = first.map((m, i) => spearmanRankCorrelation(m, second[i] as Float32Array));
  const trainedVsRandomised = first.map((m, i) => spearmanRankCorrelation(m, randomised[i] as Float32Array));
  const mean = (values: number[]): number => {
    const defined = values.filter((v) => !Number.isNaN(v));
    return defined.length === 0 ? NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
  };
  return {
    trainedVsTrained,
    trainedVsRandomised,
    meanTrainedVsTrained: mean(trainedVsTrained),
    meanTrainedVsRandomised: mean(trainedVsRandomised),
    constantRandomisedMaps: trainedVsRandomised.filter((v) => Number.isNaN(v)).length,
  };
}

/**
 * Redraws every weight of `model` (nested models included) as a freshly built
 * layer would have it: kernels Glorot-uniform from `seed`, gammas and moving
 * variances 1, everything else of rank < 2 (biases, betas, moving means) 0.
 */
export function reinitialiseWeights(model: tf.LayersModel, seed: number): void {
  const stream = seedStream(seed);
  for (const weight of model.weights) {
    const shape = weight.shape as number[];
    const value = tf.tidy(() => {
      if (/(gamma|moving_variance)(_\d+)?$/.test(weight.originalName)) return tf.ones(shape);
      if (shape.length < 2) return tf.zeros(shape);
      const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
      const fanIn = (shape[shape.length - 2] as number) * receptive;
      const fanOut = (shape[shape.length - 1] as number) * receptive;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.randomUniform(shape, -limit, limit, 'float32', stream.next());
    });
    weight.write(value);
    value.dispose();
  }
}
