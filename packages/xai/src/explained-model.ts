import { tf, InvalidArgumentError, ShapeError } from '@deepcourse/backend';
import { UnsupportedModelError } from './errors.js';
import { asGraph, findLogitsPlan, inputShapeOf, runGraph, type LayerTap, type LogitsPlan } from './model-graph.js';

/** Which output an explanation is about. */
export type ExplainedOutput = 'logits' | 'model';

export interface ExplainOptions {
  /**
   * `'logits'` (default): where the model ends in softmax or sigmoid (an
   * activation of its last layer, or a separate Activation/Softmax layer, also
   * inside a nested head), explain the pre-activation output. Gradients of a
   * softmax output mix every class in; the logit of a class is its own
   * evidence. `'model'`: explain the model's output as it is.
   */
  output?: ExplainedOutput;
}

/** Classes to explain: one per image, one for all images, or (when omitted) each image's predicted class. */
export type TargetClasses = number | readonly number[] | Int32Array;

/** A model prepared for explanation: runs it on logits and can tap a layer. */
export class ExplainedModel {
  readonly graph: ReturnType<typeof asGraph>;
  readonly logits: LogitsPlan | undefined;
  readonly inputShape: (number | null)[];

  constructor(
    readonly model: tf.LayersModel,
    options: ExplainOptions = {},
  ) {
    this.graph = asGraph(model);
    const output = options.output ?? 'logits';
    if (output !== 'logits' && output !== 'model') throw new InvalidArgumentError('output', "'logits' or 'model'", output);
    this.logits = output === 'logits' ? findLogitsPlan(this.graph) : undefined;
    this.inputShape = inputShapeOf(this.graph);
  }

  /** Scores `[N, K]` (logits, or the model output) for a batch. */
  scores(x: tf.Tensor, tap?: { layer: LayerTap['layer']; transform: (output: tf.Tensor) => tf.Tensor }): tf.Tensor2D {
    // The tap's output may be kept by the caller: it is returned from the tidy only through `transform`.
    const y = tf.tidy(() => runGraph(this.graph, [x], { logits: this.logits, tap })[0] as tf.Tensor);
    if (y.rank !== 2) {
      throw new ShapeError('model output', 'class scores [batch, classes]', `shape [${y.shape.join(', ')}]`);
    }
    return y as tf.Tensor2D;
  }

  /** Scores `[N, K]` and the output of `layer` for a batch, from one forward pass. */
  scoresAndFeatures(x: tf.Tensor, layer: LayerTap['layer']): { scores: tf.Tensor2D; features: tf.Tensor } {
    const [scores, features] = tf.tidy(() => {
      let captured: tf.Tensor | undefined;
      const y = runGraph(this.graph, [x], { logits: this.logits, tap: { layer, transform: (a) => (captured = a) } })[0] as tf.Tensor;
      if (captured === undefined) throw new UnsupportedModelError(`layer ${layer.name} was not reached when running model ${this.graph.name}`);
      return [y, captured];
    });
    return { scores: scores as tf.Tensor2D, features };
  }

  /** Checks a batch of inputs against the model's input shape. */
  checkInputs(x: tf.Tensor, argument = 'images', requireImages = false): void {
    const expected = [null, ...this.inputShape];
    const ok =
      x.rank === expected.length && expected.every((d, i) => d === null || d === x.shape[i]) && x.shape[0] !== undefined && x.shape[0] > 0;
    if (!ok) {
      throw new ShapeError(
        argument,
        `a batch of shape [N, ${this.inputShape.map((d) => d ?? '?').join(', ')}] matching the model input`,
        `shape [${x.shape.join(', ')}]`,
      );
    }
    if (requireImages && x.rank !== 4) {
      throw new ShapeError(argument, 'images [N, height, width, channels]', `shape [${x.shape.join(', ')}]`);
    }
    if (x.dtype !== 'float32') throw new ShapeError(argument, 'a float32 tensor', `dtype ${x.dtype}`);
  }

  /** Resolves the class of every image: as given, or the argmax of the scores. */
  async resolveTargets(x: tf.Tensor, targets: TargetClasses | undefined, batchSize: number): Promise<number[]> {
    const n = x.shape[0] as number;
    if (targets === undefined) {
      const out: number[] = [];
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const predicted = tf.tidy(() => this.scores(x.slice(start, size)).argMax(1));
        const values = await predicted.data();
        predicted.dispose();
        out.push(...Array.from(values));
      }
      return out;
    }
    const numClasses = this.numClasses();
    const list = typeof targets === 'number' ? new Array<number>(n).fill(targets) : Array.from(targets);
    if (list.length !== n) {
      throw new InvalidArgumentError('targets', `one class per image (${n})`, `${list.length} classes`);
    }
    list.forEach((t, i) => {
      if (!Number.isInteger(t) || t < 0 || (numClasses !== undefined && t >= numClasses)) {
        throw new InvalidArgumentError(`targets[${i}]`, `a class index in [0, ${numClasses ?? '?'})`, t);
      }
    });
    return list;
  }

  /** Number of classes from the model's output shape, when known. */
  numClasses(): number | undefined {
    const shape = this.graph.outputs[0]?.shape;
    const k = shape?.[shape.length - 1];
    return typeof k === 'number' ? k : undefined;
  }
}

/** The sum over the batch of each row's target score: its gradient gives every image its own class's gradient. */
export function selectedScore(scores: tf.Tensor2D, targets: readonly number[]): tf.Scalar {
  const oneHot = tf.oneHot(tf.tensor1d(Int32Array.from(targets), 'int32'), scores.shape[1]).toFloat();
  return scores.mul(oneHot).sum();
}

/** Each row's target score as a `[N]` tensor. */
export function gatherScores(scores: tf.Tensor2D, targets: readonly number[]): tf.Tensor1D {
  const oneHot = tf.oneHot(tf.tensor1d(Int32Array.from(targets), 'int32'), scores.shape[1]).toFloat();
  return scores.mul(oneHot).sum(1);
}

export function checkPositiveInteger(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(argument, 'a positive integer', value);
  }
  return value;
}
