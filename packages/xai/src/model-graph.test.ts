import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend } from '@deepcourse/backend';
import { ExplainedModel } from './explained-model.js';
import { findFeatureLayer, findLogitsPlan, asGraph } from './model-graph.js';
import { UnsupportedModelError } from './errors.js';
import { expectNoLeak, maxAbsDiff } from './test-utils.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/** A transfer-style model: a functional conv base used as one layer of an outer Sequential with a softmax head. */
function transferModel(): { outer: tf.Sequential; base: tf.LayersModel } {
  const input = tf.input({ shape: [12, 12, 2] });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(1), name: 'base_conv1' }).apply(input) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 5, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(2), name: 'base_conv2' }).apply(c1) as tf.SymbolicTensor;
  const base = tf.model({ inputs: input, outputs: c2, name: 'base' });
  const outer = tf.sequential({ name: 'transfer' });
  outer.add(base);
  outer.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  outer.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(3), name: 'head' }));
  return { outer, base };
}

describe('runGraph through ExplainedModel', () => {
  it('reproduces model.predict with output "model" and the pre-softmax values with "logits" (nested base)', async () => {
    const { outer } = transferModel();
    const x = tf.randomUniform([4, 12, 12, 2], 0, 1, 'float32', 5);
    const asModel = new ExplainedModel(outer, { output: 'model' });
    const asLogits = new ExplainedModel(outer);
    const predicted = outer.predict(x) as tf.Tensor;
    const out = await expectNoLeak(() => asModel.scores(x), () => 1);
    expect(maxAbsDiff(out, predicted)).toBeLessThan(1e-6);
    const logits = asLogits.scores(x);
    // softmax(logits) is the model output, and logits are not probabilities.
    expect(maxAbsDiff(logits.softmax(), predicted)).toBeLessThan(1e-6);
    expect(Math.abs(logits.sum(1).dataSync()[0]! - 1)).toBeGreaterThan(1e-3);
    // Hand-computed logits: GAP of the base output times the head kernel plus bias.
    const head = outer.getLayer('head');
    const [kernel, bias] = head.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const features = (outer.layers[0] as tf.LayersModel).predict(x) as tf.Tensor4D;
    const expected = features.mean([1, 2]).matMul(kernel).add(bias);
    expect(maxAbsDiff(logits, expected)).toBeLessThan(1e-5);
    tf.dispose([x, predicted, out, logits, features, expected]);
  });

  it('skips a separate Activation("softmax") layer and a Softmax layer, and sigmoid', () => {
    const x = tf.randomUniform([3, 5], -1, 1, 'float32', 9);
    for (const last of [
      () => tf.layers.activation({ activation: 'softmax' }),
      () => tf.layers.softmax({}),
    ]) {
      const model = tf.sequential();
      model.add(tf.layers.dense({ inputShape: [5], units: 4, kernelInitializer: seeded(4) }));
      model.add(last());
      const explained = new ExplainedModel(model);
      expect(explained.logits?.take).toBe('input');
      const dense = model.layers[0]!.apply(x) as tf.Tensor;
      expect(maxAbsDiff(explained.scores(x), dense)).toBeLessThan(1e-6);
    }
    const binary = tf.sequential();
    binary.add(tf.layers.dense({ inputShape: [5], units: 1, activation: 'sigmoid', kernelInitializer: seeded(5) }));
    const explained = new ExplainedModel(binary);
    expect(explained.logits?.activation).toBe('sigmoid');
    const [w, b] = binary.getWeights() as [tf.Tensor, tf.Tensor];
    expect(maxAbsDiff(explained.scores(x), x.matMul(w).add(b))).toBeLessThan(1e-6);
    // The layer's own activation is back in place afterwards.
    expect(maxAbsDiff(binary.predict(x) as tf.Tensor, x.matMul(w).add(b).sigmoid())).toBeLessThan(1e-6);
    x.dispose();
  });

  it('finds a softmax inside a nested head model', () => {
    const head = tf.sequential({ name: 'head_model' });
    head.add(tf.layers.dense({ inputShape: [6], units: 3, activation: 'softmax', name: 'inner_dense' }));
    const input = tf.input({ shape: [6] });
    const outer = tf.model({ inputs: input, outputs: head.apply(input) as tf.SymbolicTensor, name: 'outer' });
    const plan = findLogitsPlan(asGraph(outer));
    expect(plan?.layerPath).toEqual(['outer', 'head_model', 'inner_dense']);
    expect(plan?.take).toBe('linear');
  });

  it('finds the last 4-D layer inside a nested base, by name and by path', () => {
    const { outer } = transferModel();
    const graph = asGraph(outer);
    expect(findFeatureLayer(graph).path).toEqual(['transfer', 'base', 'base_conv2']);
    expect(findFeatureLayer(graph, 'base_conv1').path).toEqual(['transfer', 'base', 'base_conv1']);
    expect(findFeatureLayer(graph, 'base/base_conv1').layer.name).toBe('base_conv1');
    expect(() => findFeatureLayer(graph, 'nope')).toThrow(/no layer named "nope".*base\/base_conv1/);
  });

  it('rejects unbuilt, multi-input and non-image models with typed errors', () => {
    expect(() => new ExplainedModel(tf.sequential())).toThrow(UnsupportedModelError);
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const two = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
    expect(() => new ExplainedModel(two)).toThrow(/one input and one output, found 2 inputs/);
    const dense = tf.sequential();
    dense.add(tf.layers.dense({ inputShape: [3], units: 2 }));
    expect(() => findFeatureLayer(asGraph(dense))).toThrow(/no layer with a 4-D output/);
  });
});
