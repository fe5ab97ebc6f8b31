import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { tf, InvalidArgumentError } from '@deepcourse/backend';
import {
  RandomContrast,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  randomContrast,
  randomFlip,
  randomRotation,
  randomTranslation,
  randomZoom,
} from './random-layers.js';
import { expectNoLeak, indexImages, randomImages, useCpu } from '../test-utils.js';

beforeAll(useCpu);
afterEach(() => vi.restoreAllMocks());

const values = (t: tf.Tensor | tf.Tensor[]) => Array.from((t as tf.Tensor).dataSync());
const train = (layer: tf.layers.Layer, x: tf.Tensor) => layer.apply(x, { training: true }) as tf.Tensor;

function allLayers(seed: number): tf.layers.Layer[] {
  return [
    randomFlip({ mode: 'horizontal', seed }),
    randomRotation({ factor: 0.1, seed: seed + 1 }),
    randomTranslation({ heightFactor: 0.1, widthFactor: [-0.2, 0.1], fillMode: 'constant', seed: seed + 2 }),
    randomZoom({ heightFactor: [-0.2, 0.3], seed: seed + 3 }),
    randomContrast({ factor: 0.3, seed: seed + 4 }),
  ];
}

function augmentingModel(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [8, 8, 1] }));
  for (const layer of allLayers(seed)) model.add(layer);
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}

describe('preprocessing layers', () => {
  test('do nothing at inference: apply without training and predict return the input exactly', async () => {
    const x = tf.tidy(() => randomImages([3, 8, 8, 1], 4).mul(255) as tf.Tensor4D);
    for (const layer of allLayers(1)) {
      const out = await expectNoLeak(() => layer.apply(x) as tf.Tensor, () => 1);
      expect(values(out)).toEqual(values(x));
      out.dispose();
    }
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [8, 8, 1] }), ...allLayers(2)] });
    const predicted = model.predict(x) as tf.Tensor;
    expect(values(predicted)).toEqual(values(x));
    tf.dispose([x, predicted]);
    model.dispose();
  });

  test('augment while training, each image its own draw, reproducibly from the seed', async () => {
    const x = tf.tidy(() => randomImages([4, 8, 8, 1], 5).mul(255) as tf.Tensor4D);
    const [first, same, other] = [allLayers(7), allLayers(7), allLayers(8)];
    for (let i = 0; i < first.length; i++) {
      const [a, b, c] = [first[i], same[i], other[i]];
      const outA = await expectNoLeak(() => train(a!, x), () => 1);
      const outB = train(b!, x);
      const outC = train(c!, x);
      expect(values(outA), a!.getClassName()).toEqual(values(outB));
      expect(values(outA), a!.getClassName()).not.toEqual(values(outC));
      expect(values(outA), a!.getClassName()).not.toEqual(values(x));
      // The stream advances: a second training call draws again.
      const again = train(a!, x);
      expect(values(again), a!.getClassName()).not.toEqual(values(outA));
      tf.dispose([outA, outB, outC, again]);
    }
    x.dispose();
  });

  test("Keras conventions: factor 0.25 turns 90° counter-clockwise, width factor shifts right, zoom factor > 0 zooms out", () => {
    const square = indexImages(2, 5, 5);
    const turned = train(randomRotation({ factor: [0.25, 0.25], interpolation: 'nearest', seed: 1 }), square);
    expect(values(turned)).toEqual(values(tf.transpose(tf.reverse(square, 2), [0, 2, 1, 3])));
    const shifted = train(randomTranslation({ heightFactor: 0, widthFactor: [0.2, 0.2], fillMode: 'constant', fillValue: -1, seed: 1 }), square);
    const expected = tf.concat([tf.fill([2, 5, 1, 1], -1), square.slice([0, 0, 0, 0], [2, 5, 4, 1])], 2);
    expect(values(shifted)).toEqual(values(expected));
    const ramp = tf.tidy(() => tf.range(0, 9).reshape([1, 1, 9, 1]).tile([1, 9, 1, 1]) as tf.Tensor4D);
    // height factor 1 → input coordinates scaled by 2 about the centre (aspect kept): column c reads 2(c - 4) + 4.
    const zoomed = train(randomZoom({ heightFactor: [1, 1], fillMode: 'constant', fillValue: -1, seed: 1 }), ramp);
    expect(Array.from(zoomed.slice([0, 4, 0, 0], [1, 1, 9, 1]).dataSync())).toEqual([-1, -1, 0, 2, 4, 6, 8, -1, -1]);
    const flipped = train(randomFlip({ mode: 'horizontal', seed: 3 }), indexImages(16, 3, 3));
    const source = indexImages(16, 3, 3);
    const mirrored = tf.reverse(source, 2);
    for (let i = 0; i < 16; i++) {
      const image = values(flipped.slice(i, 1));
      expect([values(source.slice(i, 1)), values(mirrored.slice(i, 1))]).toContainEqual(image);
    }
    tf.dispose([square, turned, shifted, expected, ramp, zoomed, flipped, source, mirrored]);
  });

  test('RandomContrast scales about the per-image mean and clips to the value range', () => {
    const image = tf.tensor4d([0, 100, 200, 300], [1, 2, 2, 1]);
    const out = train(randomContrast({ factor: [0, 1], seed: 5 }), image);
    // Factors lie in [1, 2]: the mean 150 stays, distances grow, then the result is clipped to [0, 255].
    const v = values(out);
    expect(v[0]).toBe(0);
    expect(v[3]).toBe(255);
    expect(v[1]).toBeLessThanOrEqual(100);
    expect(v[2]).toBeGreaterThanOrEqual(200);
    expect((v[1]! + v[2]!) / 2).toBeCloseTo(150, 4);
    tf.dispose([image, out]);
  });

  test('fit runs them with training = true; predict and evaluate do not', async () => {
    const model = augmentingModel(3);
    const calls = vi.spyOn(RandomFlip.prototype as unknown as { augment: () => tf.Tensor }, 'augment');
    const x = randomImages([8, 8, 8, 1], 6);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2));
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(calls).toHaveBeenCalledTimes(4);
    calls.mockClear();
    tf.dispose([model.predict(x) as tf.Tensor, model.evaluate(x, y) as tf.Scalar]);
    expect(calls).not.toHaveBeenCalled();
    tf.dispose([x, y]);
    model.dispose();
  });

  test('a saved model with every layer loads back with the same classes, Keras config keys and outputs', async () => {
    const model = augmentingModel(11);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const json = JSON.stringify(saved!.modelTopology);
    for (const name of ['RandomFlip', 'RandomRotation', 'RandomTranslation', 'RandomZoom', 'RandomContrast']) expect(json).toContain(`"class_name":"${name}"`);
    for (const key of ['"height_factor"', '"width_factor"', '"fill_mode":"reflect"', '"fill_mode":"constant"', '"mode":"horizontal"', '"value_range"', '"seed":14']) {
      expect(json).toContain(key);
    }
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const classes = [RandomFlip, RandomRotation, RandomTranslation, RandomZoom, RandomContrast];
    const augmenting = (m: tf.LayersModel) => m.layers.filter((layer) => layer.getClassName().startsWith('Random'));
    expect(augmenting(loaded)).toHaveLength(5);
    augmenting(loaded).forEach((layer, i) => {
      expect(layer).toBeInstanceOf(classes[i]!);
      expect(layer.getConfig()).toEqual(augmenting(model)[i]!.getConfig());
    });
    const x = randomImages([3, 8, 8, 1], 9);
    const [p1, p2] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(values(p2)).toEqual(values(p1));
    // The seed came back too: a loaded layer trains like a fresh one with the original seed.
    const fresh = augmentingModel(11);
    const [t1, t2] = [train(augmenting(loaded)[3]!, x), train(augmenting(fresh)[3]!, x)];
    expect(values(t1)).toEqual(values(t2));
    tf.dispose([x, p1, p2, t1, t2]);
    [model, loaded, fresh].forEach((m) => m.dispose());
  });

  test('layers without a seed get distinct seeds from the global seed; bad arguments are named', () => {
    const [a, b] = [new RandomFlip(), new RandomFlip()];
    expect(a.seed).not.toBe(b.seed);
    expect(a.getConfig()['seed']).toBe(a.seed);
    expect(() => randomFlip({ mode: 'diagonal' as never })).toThrow(InvalidArgumentError);
    expect(() => randomRotation({ factor: -1 })).toThrow(/RandomRotation\.factor/);
    expect(() => randomZoom({ heightFactor: [-1.5, 0] })).toThrow(/RandomZoom\.heightFactor/);
    expect(() => randomContrast({ factor: 2 })).toThrow(/RandomContrast\.factor/);
    expect(() => randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'mirror' as never })).toThrow(/RandomTranslation\.fillMode/);
    expect(RandomZoom.className).toBe('RandomZoom');
  });
});
