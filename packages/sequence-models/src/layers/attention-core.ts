import { tf, type SeedStream } from '@deepcourse/backend';
import { denseLastAxis, maskAsFloat } from './tensor-ops.js';
import { glorotUniform, seededDropout, type LayerWeight } from './layer-support.js';

/** Sizes of one multi-head attention block. */
export interface AttentionSizes {
  numHeads: number;
  /** Size of each head's query and key projection. */
  keyDim: number;
  /** Size of each head's value projection. */
  valueDim: number;
  /** Size of the output projection. */
  outputDim: number;
  useBias: boolean;
}

/** The eight weights of one attention block (biases absent when `useBias` is false). */
export interface AttentionWeights {
  queryKernel: LayerWeight;
  queryBias?: LayerWeight;
  keyKernel: LayerWeight;
  keyBias?: LayerWeight;
  valueKernel: LayerWeight;
  valueBias?: LayerWeight;
  outputKernel: LayerWeight;
  outputBias?: LayerWeight;
}

type AddWeight = (name: string, shape: number[], initializer: ReturnType<typeof glorotUniform> | 'zeros') => LayerWeight;

/**
 * Creates the projection weights of an attention block through the owning layer's `addWeight`,
 * named `${prefix}query_kernel` etc., so blocks that embed attention serialise like the layer itself.
 */
export function createAttentionWeights(
  addWeight: AddWeight,
  prefix: string,
  sizes: AttentionSizes,
  inputDims: { query: number; key: number; value: number },
  seeds: SeedStream,
): AttentionWeights {
  const { numHeads, keyDim, valueDim, outputDim, useBias } = sizes;
  const kernel = (name: string, shape: number[]) => addWeight(`${prefix}${name}_kernel`, shape, glorotUniform(seeds.next()));
  const bias = (name: string, size: number) => (useBias ? addWeight(`${prefix}${name}_bias`, [size], 'zeros') : undefined);
  // Created in the order kernel, bias per projection, so getWeights() lists them as q, k, v, output.
  const queryKernel = kernel('query', [inputDims.query, numHeads * keyDim]);
  const queryBias = bias('query', numHeads * keyDim);
  const keyKernel = kernel('key', [inputDims.key, numHeads * keyDim]);
  const keyBias = bias('key', numHeads * keyDim);
  const valueKernel = kernel('value', [inputDims.value, numHeads * valueDim]);
  const valueBias = bias('value', numHeads * valueDim);
  const outputKernel = kernel('output', [numHeads * valueDim, outputDim]);
  const outputBias = bias('output', outputDim);
  const weights: AttentionWeights = { queryKernel, keyKernel, valueKernel, outputKernel };
  if (queryBias) weights.queryBias = queryBias;
  if (keyBias) weights.keyBias = keyBias;
  if (valueBias) weights.valueBias = valueBias;
  if (outputBias) weights.outputBias = outputBias;
  return weights;
}

export interface AttentionInputs {
  query: tf.Tensor; // [B, Tq, Dq]
  key: tf.Tensor; // [B, Tk, Dk]
  value: tf.Tensor; // [B, Tk, Dv]
  /** [B, Tk]: 1 for keys that may be attended to, 0 for padding. */
  keyMask?: tf.Tensor;
  /** [B, Tq, Tk] or [Tq, Tk]: 1 where query i may attend to key j. */
  attentionMask?: tf.Tensor;
  /** Query i attends only to keys j <= i. */
  causal: boolean;
  /** Dropout on the attention weights, applied only when `training`. */
  dropout: number;
  training: boolean;
  seeds: SeedStream;
}

/** Large negative logit for masked positions: exp() of it underflows to exactly 0 in float32. */
const MASKED_LOGIT = -1e9;

/** The lower-triangular [Tq, Tk] mask of causal attention (1 where j <= i). */
export function causalMask(queryLength: number, keyLength: number): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = tf.reshape(tf.range(0, queryLength, 1, 'int32'), [queryLength, 1]);
    const cols = tf.reshape(tf.range(0, keyLength, 1, 'int32'), [1, keyLength]);
    return tf.cast(tf.greaterEqual(rows, cols), 'float32') as tf.Tensor2D;
  });
}

/** Splits [B, T, H*d] into [B, H, T, d]. */
function splitHeads(x: tf.Tensor, numHeads: number, depth: number): tf.Tensor {
  const [batch, time] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [batch, time, numHeads, depth]), [0, 2, 1, 3]);
}

/**
 * Scaled dot-product attention over several heads, from matMul and softmax:
 * softmax(Q Kᵀ / sqrt(keyDim) + mask) V, heads concatenated and projected.
 * Returns the output [B, Tq, outputDim] and the attention weights [B, H, Tq, Tk].
 */
export function multiHeadAttention(
  weights: AttentionWeights,
  sizes: AttentionSizes,
  inputs: AttentionInputs,
): { output: tf.Tensor; attention: tf.Tensor } {
  const { numHeads, keyDim, valueDim } = sizes;
  const read = (w: LayerWeight | undefined) => (w === undefined ? undefined : w.read());
  const q = splitHeads(denseLastAxis(inputs.query, weights.queryKernel.read(), read(weights.queryBias)), numHeads, keyDim);
  const k = splitHeads(denseLastAxis(inputs.key, weights.keyKernel.read(), read(weights.keyBias)), numHeads, keyDim);
  const v = splitHeads(denseLastAxis(inputs.value, weights.valueKernel.read(), read(weights.valueBias)), numHeads, valueDim);
  let logits = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(keyDim)); // [B, H, Tq, Tk]
  const [batch, , queryLength, keyLength] = logits.shape as [number, number, number, number];

  let allowed: tf.Tensor | undefined;
  const combine = (m: tf.Tensor) => (allowed = allowed === undefined ? m : tf.mul(allowed, m));
  if (inputs.keyMask !== undefined) combine(tf.reshape(maskAsFloat(inputs.keyMask), [batch, 1, 1, keyLength]));
  if (inputs.causal) combine(tf.reshape(causalMask(queryLength, keyLength), [1, 1, queryLength, keyLength]));
  if (inputs.attentionMask !== undefined) {
    const m = maskAsFloat(inputs.attentionMask);
    combine(m.rank === 2 ? tf.reshape(m, [1, 1, queryLength, keyLength]) : tf.reshape(m, [batch, 1, queryLength, keyLength]));
  }
  if (allowed !== undefined) logits = tf.add(logits, tf.mul(tf.sub(1, allowed), MASKED_LOGIT));

  const attention = tf.softmax(logits, -1);
  const dropped = inputs.training ? seededDropout(attention, inputs.dropout, inputs.seeds) : attention;
  const heads = tf.matMul(dropped, v); // [B, H, Tq, dv]
  const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [batch, queryLength, numHeads * valueDim]);
  const output = denseLastAxis(merged, weights.outputKernel.read(), read(weights.outputBias));
  return { output, attention };
}
