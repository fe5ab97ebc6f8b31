import { tf } from '@deepcourse/backend';
import { augmentationGrid, compose, cutout, flip, imageDataGenerator, rotate, translate, zoom, type Augmentation } from '@deepcourse/augment';
import { mnistSample } from '@deepcourse/datasets/node';
import type { Stage } from '../stage.js';

/** Looking at augmented copies before training on them: the course's generator and a heavier pipeline. */
export const augmentStage: Stage = {
  id: 'augment',
  title: 'Data augmentation: what the network will actually see',
  summary: "One MNIST digit through the course's ImageDataGenerator (horizontal flip, width/height shift 0.1) and through a heavier pipeline (rotation, zoom, cutout), shown as preview grids before any training.",
  async run({ options, seeds, image }) {
    const { train, test } = await mnistSample({ seed: seeds.next() });
    // A digit that is not symmetric, so flips are easy to spot: the first "7" of the training part.
    const labels = train.labels.dataSync();
    const index = Math.max(0, Array.from(labels).findIndex((label) => label === 7));
    const digit = tf.tidy(() => train.images.slice([index, 0, 0, 0], [1, 28, 28, 1]).reshape([28, 28, 1]) as tf.Tensor3D);
    tf.dispose([train, test] as unknown as tf.Tensor[]);

    const copies = options.quick ? 15 : 23;
    const columns = 8;
    const pipelines: Array<{ name: string; pipeline: Augmentation; title: string; caption: string }> = [
      {
        name: 'course-compose',
        pipeline: compose([flip({ horizontal: true }), translate({ width: 0.1, height: 0.1 })]),
        title: 'Course pipeline: flip + shift 0.1 (compose)',
        caption: `top left: the original; then ${copies} copies with a horizontal flip half of the time and a shift of up to 10% each way (one resampling). A mirrored 7 is no longer a 7: flips suit photos, not digits.`,
      },
      {
        name: 'course-generator',
        pipeline: imageDataGenerator({ horizontalFlip: true, widthShiftRange: 0.1, heightShiftRange: 0.1 }),
        title: "Course pipeline as Keras' ImageDataGenerator",
        caption: 'ImageDataGenerator(horizontal_flip=True, width_shift_range=0.1, height_shift_range=0.1): the same distribution as the compose pipeline, with Keras option names; the edge pixels are repeated (fill mode nearest).',
      },
      {
        name: 'heavy',
        pipeline: compose([rotate({ degrees: 25, fillMode: 'constant' }), zoom({ scale: [0.8, 1.2], fillMode: 'constant' }), cutout({ size: 0.3 })]),
        title: 'Heavier pipeline: rotation ±25°, zoom 0.8-1.2, cutout',
        caption: 'rotation and zoom are fused into one resampling; cutout then blanks a square of about 30% of the side. Some copies lose the stroke that makes the digit a 7: too strong an augmentation changes the label.',
      },
    ];
    let previews = 0;
    for (const { name, pipeline, title, caption } of pipelines) {
      const grid = augmentationGrid(digit, pipeline, copies, { seed: seeds.next(), columns });
      const big = tf.tidy(() => {
        const [h, w] = grid.shape;
        return tf.image.resizeNearestNeighbor(grid, [h * 3, w * 3]);
      });
      await image(name, big, title, caption);
      tf.dispose([grid, big]);
      previews += copies;
    }
    digit.dispose();
    return {
      metrics: { 'preview grids': pipelines.length, 'augmented previews': previews, 'digit shown': 7 },
      figures: [],
      notes: ['Every copy is drawn from the stage seed, so the grids repeat exactly on another run with the same --seed.'],
    };
  },
};
