import { tf, InvalidArgumentError, type SeedStream } from '@deepcourse/backend';
import { checkImageBatch, toSeedStream, type BatchShape, type Seed } from './validate.js';
import { composeBatches, isIdentityBatch } from './matrix.js';
import { transformImages, type ResolvedSampling } from './image-transform.js';
import { applyGridMaps } from './grid-maps.js';

export interface ApplyOptions {
  /**
   * Where the random parameters come from. A number starts a fresh stream, so
   * the same number gives the same batch; a `SeedStream` is drawn from and
   * advances, so successive calls differ. Default: the global seed.
   */
  seed?: Seed;
}

/**
 * One augmentation step (or a pipeline of them). Each image of a batch draws
 * its own parameters from the seed stream.
 */
export abstract class Augmentation {
  /** A short description, e.g. `rotate(±15°)`. */
  abstract readonly name: string;

  /** Runs on a checked batch inside a tidy; `images` may be int32 (results are float32). */
  protected abstract run(images: tf.Tensor4D, shape: BatchShape, random: SeedStream): tf.Tensor4D;

  /**
   * Augments a batch `[N, H, W, C]` and returns a new float32 batch of N images
   * (of the same size unless a crop resizes them); the input is not disposed.
   */
  apply(images: tf.Tensor4D, options: ApplyOptions = {}): tf.Tensor4D {
    const shape = checkImageBatch(images);
    const random = toSeedStream(options.seed);
    return tf.tidy(() => {
      const out = this.run(images, shape, random);
      // Steps that change nothing hand back their input; the caller owns a fresh tensor either way.
      return out === images ? images.toFloat().clone() : out.toFloat();
    });
  }

  /** For pipelines: `run` of another step (protected access across subclasses goes through here). */
  protected static runStep(step: Augmentation, images: tf.Tensor4D, shape: BatchShape, random: SeedStream): tf.Tensor4D {
    return step.run(images, shape, random);
  }

  toString(): string {
    return this.name;
  }
}

/** A step whose parameters are drawn first and applied to the whole batch at once. */
export abstract class ParametricAugmentation<P> extends Augmentation {
  /** Draws this step's parameters for every image of a batch of `shape`. */
  abstract sample(shape: BatchShape, random: SeedStream): P;
  /** Applies parameters drawn for a batch of this shape (no randomness here); returns a new float32 tensor. */
  abstract applyParameters(images: tf.Tensor4D, parameters: P): tf.Tensor4D;

  protected run(images: tf.Tensor4D, shape: BatchShape, random: SeedStream): tf.Tensor4D {
    return this.applyParameters(images, this.sample(shape, random));
  }
}

/**
 * A geometric step: its parameters become one inverse affine map per image, so
 * adjacent geometric steps of a pipeline fuse into one `tf.image.transform`.
 */
export abstract class AffineAugmentation<P> extends ParametricAugmentation<P> {
  /** Resampling settings; undefined for steps that are exact on the pixel grid (flips). */
  abstract readonly sampling: ResolvedSampling | undefined;
  /** One inverse map (output → input pixel coordinates) per image, row-major 3x3. */
  abstract matrices(parameters: P, shape: BatchShape): Float64Array;

  applyParameters(images: tf.Tensor4D, parameters: P): tf.Tensor4D {
    const shape = checkImageBatch(images);
    const matrices = this.matrices(parameters, shape);
    if (isIdentityBatch(matrices)) return images.toFloat();
    return this.sampling === undefined ? applyGridMaps(images, matrices) : transformImages(images, matrices, this.sampling);
  }
}

/**
 * Runs augmentations one after the other. Adjacent geometric steps with the
 * same sampling settings are fused: their maps are multiplied per image and
 * the batch is resampled once (one interpolation, one `tf.image.transform`),
 * which is what Keras' ImageDataGenerator does with its transforms too. Each
 * step draws from its own child stream, so fusing does not change any draw.
 */
export class Pipeline extends Augmentation {
  readonly name: string;
  readonly steps: readonly Augmentation[];

  constructor(steps: readonly Augmentation[]) {
    super();
    if (!Array.isArray(steps)) throw new InvalidArgumentError('steps', 'an array of augmentations', steps);
    steps.forEach((step, i) => {
      if (!(step instanceof Augmentation)) throw new InvalidArgumentError(`steps[${i}]`, 'an augmentation (flip(), rotate(), ...)', step);
    });
    // Nested pipelines are inlined so their geometric steps can fuse with their neighbours.
    this.steps = steps.flatMap((step) => (step instanceof Pipeline ? step.steps : [step]));
    this.name = `compose([${this.steps.map((s) => s.name).join(', ')}])`;
  }

  protected run(images: tf.Tensor4D, shape: BatchShape, random: SeedStream): tf.Tensor4D {
    const streams = this.steps.map(() => random.fork());
    let current = images;
    let i = 0;
    while (i < this.steps.length) {
      const step = this.steps[i]!;
      // A crop may change the image size; later steps draw for the batch they get.
      shape = i === 0 ? shape : checkImageBatch(current);
      if (!(step instanceof AffineAugmentation)) {
        current = Augmentation.runStep(step, current, shape, streams[i]!);
        i++;
        continue;
      }
      // Gather the run of adjacent geometric steps that can share one resampling.
      let sampling: ResolvedSampling | undefined = step.sampling;
      let matrices = step.matrices(step.sample(shape, streams[i]!), shape);
      let j = i + 1;
      while (j < this.steps.length) {
        const next = this.steps[j];
        if (!(next instanceof AffineAugmentation) || !compatible(sampling, next.sampling)) break;
        sampling ??= next.sampling;
        matrices = composeBatches(matrices, next.matrices(next.sample(shape, streams[j]!), shape));
        j++;
      }
      if (!isIdentityBatch(matrices)) {
        current = sampling === undefined ? applyGridMaps(current, matrices) : transformImages(current, matrices, sampling);
      }
      i = j;
    }
    return current;
  }
}

function compatible(a: ResolvedSampling | undefined, b: ResolvedSampling | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.fillMode === b.fillMode && a.fillValue === b.fillValue && a.interpolation === b.interpolation;
}
