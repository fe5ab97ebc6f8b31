import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError, tf } from '@deepcourse/backend';
import { loadModel, saveModel } from '@deepcourse/backend/node';
import { freezeLayers, unfreezeLayers } from './freeze.js';
import { listLayers, trainableMap } from './layer-paths.js';
import { replaceHead } from './replace-head.js';
import { tinyBase } from './test-utils.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'transfer-freeze-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const weightCount = (model: tf.LayersModel) => model.trainableWeights.length;

describe('freezeLayers', () => {
  it('upTo freezes the first layers (inclusive by default) and leaves the rest', () => {
    const model = tinyBase();
    expect(freezeLayers(model, { upTo: 'c2' })).toEqual(['c1', 'p1', 'c2']);
    expect(trainableMap(model)).toEqual({ c1: false, p1: false, c2: false, flat: true, d1: true, drop: true, cls: true });
    // Only d1 and cls kernels and biases remain.
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['d1/kernel', 'd1/bias', 'cls/kernel', 'cls/bias']);
    expect(freezeLayers(model, { upTo: -1, inclusive: false })).toHaveLength(6);
    expect(weightCount(model)).toBe(2);
    model.dispose();
  });

  it('names and predicate select layers; unfreezeLayers reverses', () => {
    const model = tinyBase();
    freezeLayers(model, { names: ['c1', 'd1'] });
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['c2/kernel', 'c2/bias', 'cls/kernel', 'cls/bias']);
    freezeLayers(model, { predicate: (layer) => layer.getClassName() === 'Conv2D' });
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['cls/kernel', 'cls/bias']);
    unfreezeLayers(model, { names: ['c1'] });
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['c1/kernel', 'c1/bias', 'cls/kernel', 'cls/bias']);
    model.dispose();
  });

  it('reaches into a nested base: paths, the nested name, and unfreezing inside a frozen container', () => {
    const model = replaceHead(tinyBase(), { numClasses: 2, freezeBase: false });
    expect(listLayers(model).map((e) => e.path)).toEqual(['base/c1', 'base/p1', 'base/c2', 'base/flat', 'head_output']);
    freezeLayers(model, { names: ['base'] });
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['head_output/kernel', 'head_output/bias']);
    // Keras style: the whole nested model frozen through its own flag, then one layer inside made trainable.
    const nested = model.getLayer('base') as unknown as tf.LayersModel;
    nested.trainable = false;
    unfreezeLayers(model, { names: ['base/c2'] });
    expect(trainableMap(model)).toEqual({ 'base/c1': false, 'base/p1': false, 'base/c2': true, 'base/flat': false, head_output: true });
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['c2/kernel', 'c2/bias', 'head_output/kernel', 'head_output/bias']);
    model.dispose();
  });

  it('rejects unknown names and ambiguous selectors with the layers it knows', () => {
    const model = tinyBase();
    expect(() => freezeLayers(model, { names: ['conv9'] })).toThrow(InvalidArgumentError);
    expect(() => freezeLayers(model, { names: ['conv9'] })).toThrow(/selector.names\[0\].*c1, p1, c2/);
    expect(() => freezeLayers(model, { upTo: 7 })).toThrow(/selector.upTo: expected a layer index in \[-7, 7\)/);
    expect(() => freezeLayers(model, { upTo: 1, names: ['c1'] } as never)).toThrow(/exactly one of upTo, names, predicate/);
    model.dispose();
  });

  it.each(['nested', 'flat'] as const)('trainable flags survive saveModel/loadModel (%s layout)', async (layout) => {
    const base = tinyBase(2, `tiny_${layout}`);
    const model = replaceHead(base, { numClasses: 2, hidden: 3, layout });
    unfreezeLayers(model, { names: [layout === 'nested' ? 'base/c2' : 'c2'] });
    const before = trainableMap(model);
    const names = model.trainableWeights.map((w) => w.originalName);
    expect(names).toEqual(['c2/kernel', 'c2/bias', 'head_dense_1/kernel', 'head_dense_1/bias', 'head_output/kernel', 'head_output/bias']);
    await saveModel(model, join(dir, layout));
    const loaded = await loadModel(join(dir, layout));
    expect(trainableMap(loaded)).toEqual(before);
    expect(loaded.trainableWeights.map((w) => w.originalName)).toEqual(names);
    // And the weights themselves round-trip.
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 9);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    loaded.dispose();
    model.dispose();
  });
});
