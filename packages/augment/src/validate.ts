import { tf, InvalidArgumentError, ShapeError, seedStream, type SeedStream } from '@deepcourse/backend';

/** A seed: a number starts a fresh stream, a `SeedStream` is drawn from (and advances). */
export type Seed = number | SeedStream;

/** A closed range `[low, high]`, or one number whose meaning each option documents. */
export type Range = number | readonly [number, number];

/** The shape of an image batch `[N, H, W, C]`. */
export interface BatchShape {
  batchSize: number;
  height: number;
  width: number;
  channels: number;
}

/** The stream a call draws from: `seed` itself when it is a stream, else a new stream (global seed when undefined). */
export function toSeedStream(seed: Seed | undefined, argument = 'seed'): SeedStream {
  if (seed === undefined) return seedStream();
  if (typeof seed === 'number') return seedStream(seed);
  if (typeof seed === 'object' && seed !== null && typeof (seed as SeedStream).next === 'function') return seed;
  throw new InvalidArgumentError(argument, 'a safe integer or a SeedStream', seed);
}

/** Checks an image batch and returns its shape; `name` is used in errors. */
export function checkImageBatch(images: unknown, name = 'images'): BatchShape {
  if (!(images instanceof tf.Tensor)) throw new InvalidArgumentError(name, 'a tensor [N, H, W, C]', images);
  if (images.rank !== 4) {
    const hint = images.rank === 3 ? ' (a single image [H, W, C]: use image.expandDims(0))' : '';
    throw new ShapeError(name, `a batch of images [N, H, W, C]${hint}`, `shape [${images.shape.join(', ')}]`);
  }
  if (images.dtype !== 'float32' && images.dtype !== 'int32') {
    throw new InvalidArgumentError(name, 'a float32 or int32 tensor', images);
  }
  const [batchSize, height, width, channels] = images.shape as [number, number, number, number];
  if (height < 1 || width < 1 || channels < 1) {
    throw new ShapeError(name, 'images with at least one pixel and one channel', `shape [${images.shape.join(', ')}]`);
  }
  return { batchSize, height, width, channels };
}

export function checkFinite(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(argument, 'a finite number', value);
  return value;
}

/** A probability in [0, 1]. */
export function checkProbability(value: unknown, argument: string): number {
  const p = checkFinite(value, argument);
  if (p < 0 || p > 1) throw new InvalidArgumentError(argument, 'a probability in [0, 1]', value);
  return p;
}

/** A `[low, high]` pair with low <= high, both finite. */
export function checkPair(value: unknown, argument: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidArgumentError(argument, 'a number or a pair [low, high]', value);
  const [low, high] = value as [unknown, unknown];
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new InvalidArgumentError(argument, 'a pair [low, high] of finite numbers with low <= high', `[${String(low)}, ${String(high)}]`);
  }
  return [low, high];
}

/** A number `d >= 0` means `[-d, d]`; a pair is taken as it is. */
export function symmetricRange(value: Range, argument: string): [number, number] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError(argument, 'a non-negative number d (meaning [-d, d]) or a pair [low, high]', value);
    return [-value, value];
  }
  return checkPair(value, argument);
}

/** A number means exactly that value; a pair is a range. */
export function fixedOrRange(value: Range, argument: string): [number, number] {
  if (typeof value === 'number') return [checkFinite(value, argument), value];
  return checkPair(value, argument);
}

export function checkPositiveRange(range: [number, number], argument: string, original: unknown): [number, number] {
  if (range[0] <= 0) throw new InvalidArgumentError(argument, 'values above 0', original);
  return range;
}

/** Uniform draw in [low, high] (exactly `low` when the range is a point). */
export function drawUniform(random: SeedStream, [low, high]: readonly [number, number]): number {
  return low === high ? low : low + (high - low) * random.uniform();
}

/** Draws which images of a batch a step applies to. */
export function drawApplied(random: SeedStream, batchSize: number, probability: number): Uint8Array {
  const applied = new Uint8Array(batchSize);
  for (let i = 0; i < batchSize; i++) applied[i] = probability >= 1 ? 1 : random.uniform() < probability ? 1 : 0;
  return applied;
}

/** Rejects option keys a function does not know (catches typos and Keras snake_case names). */
export function checkKnownKeys(options: object, known: readonly string[], argument: string, hints: Record<string, string> = {}): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = hints[key];
    throw new InvalidArgumentError(
      `${argument}.${key}`,
      hint ? `the option ${JSON.stringify(hint)} (camelCase)` : `one of the known options (${known.join(', ')})`,
      `an unknown option ${JSON.stringify(key)}`,
    );
  }
}
