import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { courseCnn } from './course-cnn.js';
import { lenet5 } from './lenet5.js';
import { miniResnet } from './mini-resnet.js';
import { miniVgg } from './mini-vgg.js';
import { mlp } from './mlp.js';
import { smallDataCnn } from './small-data-cnn.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Builds, checks, disposes; returns parameter count and output shape. */
function inspectModel(build: () => tf.LayersModel): { params: number; output: (number | null)[] } {
  const before = tf.memory().numTensors;
  const model = build();
  const result = { params: model.countParams(), output: model.outputs[0]!.shape };
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('parameter counts equal the Keras ones', () => {
  it('mlp: 784*512+512 + 512*10+10 = 407,050', () => {
    expect(inspectModel(() => mlp())).toEqual({ params: 407_050, output: [null, 10] });
  });

  it('courseCnn: 320 + 18,496 + 9,216*128+128 + 1,290 = 1,199,882', () => {
    expect(inspectModel(() => courseCnn())).toEqual({ params: 1_199_882, output: [null, 10] });
  });

  it('smallDataCnn: 896 + 9,248 + 18,496 + 18,496*64+64 + 65 = 1,212,513', () => {
    expect(inspectModel(() => smallDataCnn())).toEqual({ params: 1_212_513, output: [null, 1] });
  });

  it('lenet5: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706', () => {
    expect(inspectModel(() => lenet5())).toEqual({ params: 61_706, output: [null, 10] });
  });

  it('miniVgg: conv+BN blocks 32/64, dense 512 = 1,677,034', () => {
    // 320+128 + 9,248+128 | 18,496+256 + 36,928+256 | 3,136*512+512 | 5,130
    expect(inspectModel(() => miniVgg())).toEqual({ params: 1_677_034, output: [null, 10] });
  });

  it('miniResnet: stem, 3 stages of 2 basic blocks, GAP, dense', () => {
    const conv = (k: number, cin: number, cout: number) => k * k * cin * cout; // no bias before BN
    const bn = (c: number) => 4 * c; // gamma, beta, moving mean, moving variance
    const block = (cin: number, cout: number) =>
      conv(3, cin, cout) + bn(cout) + conv(3, cout, cout) + bn(cout) + (cin !== cout ? conv(1, cin, cout) + bn(cout) : 0);
    const expected =
      conv(3, 1, 16) + bn(16) + block(16, 16) * 2 + block(16, 32) + block(32, 32) + block(32, 64) + block(64, 64) + 64 * 10 + 10;
    expect(expected).toBe(176_090);
    expect(inspectModel(() => miniResnet())).toEqual({ params: expected, output: [null, 10] });
  });

  it('mlp takes depth, width and activation (maxout: units*k*(in+1))', () => {
    const deep = inspectModel(() => mlp({ inputShape: [2], width: 8, depth: 3, activation: 'sigmoid', numClasses: 2 }));
    expect(deep.params).toBe(2 * 8 + 8 + (8 * 8 + 8) * 2 + 8 * 2 + 2);
    const max = inspectModel(() => mlp({ inputShape: [4], width: 5, activation: { name: 'maxout', pieces: 3 }, numClasses: 1 }));
    expect(max).toEqual({ params: 4 * 15 + 15 + 5 + 1, output: [null, 1] });
    const leaky = inspectModel(() => mlp({ inputShape: [3], hiddenUnits: [4, 4], activation: { name: 'leakyRelu', alpha: 0.2 } }));
    expect(leaky.params).toBe(3 * 4 + 4 + 4 * 4 + 4 + 4 * 10 + 10);
  });
});

describe('builders', () => {
  it('the same seed builds the same weights; another seed does not', () => {
    const weights = (seed: number) => {
      const model = courseCnn({ seed });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    const a = weights(7);
    const b = weights(7);
    const c = weights(8);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
    // Layers of equal shape get different kernels from one seed.
    const model = mlp({ inputShape: [4], hiddenUnits: [4, 4, 4], seed: 3 });
    const [k1, , k2] = model.getWeights();
    expect(Array.from(k1!.dataSync())).not.toEqual(Array.from(k2!.dataSync()));
    model.dispose();
  });

  it('miniResnet runs a batch through its residual stages', () => {
    const model = miniResnet({ seed: 1, inputShape: [16, 16, 3], stageFilters: [8, 16], blocksPerStage: 1 });
    const y = tf.tidy(() => model.predict(tf.ones([2, 16, 16, 3])) as tf.Tensor);
    expect(y.shape).toEqual([2, 10]);
    const sums = tf.tidy(() => y.sum(1).arraySync() as number[]);
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    expect(model.layers.some((l) => l.getClassName() === 'Add')).toBe(true);
    expect(model.layers.some((l) => l.getClassName() === 'GlobalAveragePooling2D')).toBe(true);
    tf.dispose(y);
    model.dispose();
  });

  it('miniResnet: in a strided block the 3x3 branch and the 1x1 shortcut sample the same pixels', () => {
    const model = miniResnet({ seed: 2, inputShape: [8, 8, 1], stageFilters: [1, 1], blocksPerStage: 1 });
    // Delta kernels: each branch then copies the input pixel its output is centred on.
    const conv = model.getLayer('stage2_block1_conv1');
    const proj = model.getLayer('stage2_block1_proj');
    tf.tidy(() => {
      conv.setWeights([tf.tensor4d([0, 0, 0, 0, 1, 0, 0, 0, 0], [3, 3, 1, 1])]);
      proj.setWeights([tf.tensor4d([1], [1, 1, 1, 1])]);
    });
    const probe = tf.model({ inputs: model.inputs, outputs: [conv.output as tf.SymbolicTensor, proj.output as tf.SymbolicTensor] });
    const [branch, shortcut] = tf.tidy(() => (probe.predict(tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 3)) as tf.Tensor[]).map((t) => t.arraySync()));
    // TensorFlow's 'same' padding would centre the branch on odd pixels, one away from the shortcut.
    expect(branch).toEqual(shortcut);
    expect((shortcut as number[][][][])[0]!.length).toBe(4);
    model.dispose();
  });

  it('miniResnet l2: one SGD step shrinks every conv and classifier kernel by 2·lr·r·w more than without it, batch norm untouched', async () => {
    const [r, lr] = [0.05, 0.1];
    const options = { seed: 4, inputShape: [8, 8, 1], stageFilters: [2, 3], blocksPerStage: 1 };
    const start = tf.memory().numTensors;
    const [decayed, plain] = [miniResnet({ ...options, l2: r }), miniResnet(options)];
    const initial = plain.weights.map((w) => ({ name: w.name, values: w.read().dataSync().slice() }));
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 5);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 3, 7, 9], 'int32'), 10));
    const optimizers = [tf.train.sgd(lr), tf.train.sgd(lr)];
    for (const [i, model] of [decayed, plain].entries()) {
      model.compile({ optimizer: optimizers[i]!, loss: 'categoricalCrossentropy' });
      await model.fit(x, y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
    }
    // The data gradient is the same for both (same start), so the difference is the decay term alone.
    const [after, reference] = [decayed.getWeights(), plain.getWeights()];
    let kernels = 0;
    initial.forEach(({ name, values }, i) => {
      const plainValues = reference[i]!.dataSync();
      const difference = Array.from(after[i]!.dataSync(), (v, j) => v - plainValues[j]!);
      const isKernel = /kernel/.test(name);
      kernels += isKernel ? 1 : 0;
      difference.forEach((d, j) => expect(d).toBeCloseTo(isKernel ? -2 * lr * r * values[j]! : 0, 5));
    });
    expect(kernels).toBe(7); // stem, 2 + 2 block convs, the stage-2 projection, classifier
    tf.dispose([x, y]);
    optimizers.forEach((o) => o.dispose());
    decayed.dispose();
    plain.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('bad options are typed errors naming the option', () => {
    expect(() => mlp({ width: 0 })).toThrow(InvalidArgumentError);
    expect(() => mlp({ width: 0 })).toThrow(/width/);
    expect(() => courseCnn({ inputShape: [28, 28] })).toThrow(/inputShape/);
    expect(() => courseCnn({ dropout: [0.25, 1.5] })).toThrow(/dropout\[1\]/);
    expect(() => mlp({ activation: 'swish' as never })).toThrow(/activation/);
    expect(() => mlp({ activation: { name: 'elu', alpha: -1 } })).toThrow('activation.alpha: expected a finite number >= 0, found -1');
    expect(() => mlp({ activation: { name: 'maxout', pieces: 1.5 } })).toThrow('activation.pieces: expected a positive integer, found 1.5');
    expect(() => miniResnet({ numClasses: 0 })).toThrow(/numClasses/);
    expect(() => miniResnet({ l2: -1 })).toThrow(/l2/);
  });
});
