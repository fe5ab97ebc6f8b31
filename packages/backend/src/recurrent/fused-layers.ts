import { tf } from '../tf.js';
import { invertibleActivation } from './activations.js';
import { fusedGru } from './fused-gru.js';
import { fusedLstm, type RecurrentOptions } from './fused-lstm.js';

type Kwargs = Record<string, unknown>;
type RecurrentConstructor = new (args: tf.LSTMLayerArgs | tf.GRULayerArgs) => tf.RNN;

// tfjs-layers exports factories, not the LSTM/GRU classes; take them from instances.
const StockLSTM = Object.getPrototypeOf(tf.layers.lstm({ units: 1 })).constructor as RecurrentConstructor;
const StockGRU = Object.getPrototypeOf(tf.layers.gru({ units: 1 })).constructor as RecurrentConstructor;

interface CellView {
  units: number;
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  useBias: boolean;
  activation: unknown;
  recurrentActivation: unknown;
  dropout: number;
  recurrentDropout: number;
}

interface Plan {
  x: tf.Tensor3D;
  cell: CellView;
  options: RecurrentOptions;
  weights: [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
}

/**
 * The fused path covers what the course's models use: a single input tensor,
 * zero initial state, not stateful, no dropout while training, and the
 * activations tanh, sigmoid, hardSigmoid, relu or linear. Anything else runs
 * the stock tfjs-layers code, so results never silently differ.
 */
function plan(layer: tf.RNN, inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs, gates: number): Plan | undefined {
  const cell = (layer as unknown as { cell: CellView }).cell;
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
  if (x === undefined || x.rank !== 3 || kwargs.initialState != null || layer.stateful) return undefined;
  if (kwargs.training === true && (cell.dropout > 0 || cell.recurrentDropout > 0)) return undefined;
  const activation = invertibleActivation(cell.activation);
  const recurrentActivation = invertibleActivation(cell.recurrentActivation);
  if (!activation || !recurrentActivation) return undefined;
  const mask = kwargs.mask == null ? null : (tf.cast(kwargs.mask as tf.Tensor, 'float32') as tf.Tensor2D);
  const goBackwards = (layer as unknown as { goBackwards: boolean }).goBackwards;
  const bias = cell.useBias && cell.bias ? (cell.bias.read() as tf.Tensor1D) : (tf.zeros([gates * cell.units]) as tf.Tensor1D);
  return {
    x: x as tf.Tensor3D,
    cell,
    options: { activation, recurrentActivation, goBackwards, mask },
    weights: [cell.kernel.read() as tf.Tensor2D, cell.recurrentKernel.read() as tf.Tensor2D, bias],
  };
}

/**
 * tfjs-layers' LSTM with a fused sequence op: same config, same weights (a
 * model converts either way with `withFusedRecurrentLayers` /
 * `withStockRecurrentLayers`), same outputs and gradients, about an order of
 * magnitude fewer kernel calls per step.
 */
export class FusedLSTM extends StockLSTM {
  static className = 'FusedLSTM';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const p = plan(this, inputs, kwargs, 4);
      if (!p) return super.call(inputs, kwargs);
      const [batch, steps] = p.x.shape;
      const units = p.cell.units;
      const zeros = tf.zeros([batch, units]) as tf.Tensor2D;
      const all = fusedLstm(p.x, zeros, zeros, ...p.weights, p.options);
      const outputs = tf.slice(all, [0, 0, 0], [batch, steps, units]);
      const last = tf.reshape(tf.slice(all, [0, steps - 1, 0], [batch, 1, units]), [batch, units]);
      const output = this.returnSequences ? outputs : last;
      return this.returnState ? [output, last, tf.reshape(tf.slice(all, [0, steps, 0], [batch, 1, units]), [batch, units])] : output;
    });
  }
}

/** tfjs-layers' GRU with a fused sequence op (see FusedLSTM). */
export class FusedGRU extends StockGRU {
  static className = 'FusedGRU';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const p = plan(this, inputs, kwargs, 3);
      if (!p) return super.call(inputs, kwargs);
      const [batch, steps] = p.x.shape;
      const units = p.cell.units;
      const outputs = fusedGru(p.x, tf.zeros([batch, units]) as tf.Tensor2D, ...p.weights, p.options);
      const last = tf.reshape(tf.slice(outputs, [0, steps - 1, 0], [batch, 1, units]), [batch, units]);
      const output = this.returnSequences ? outputs : last;
      return this.returnState ? [output, last] : output;
    });
  }
}

tf.serialization.registerClass(FusedLSTM as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
tf.serialization.registerClass(FusedGRU as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/** An LSTM layer on the fused path; takes the same arguments as `tf.layers.lstm`. */
export function fusedLstmLayer(args: tf.LSTMLayerArgs): FusedLSTM {
  return new FusedLSTM(args);
}

/** A GRU layer on the fused path; takes the same arguments as `tf.layers.gru`. */
export function fusedGruLayer(args: tf.GRULayerArgs): FusedGRU {
  return new FusedGRU(args);
}

const TO_FUSED: Record<string, string> = { LSTM: 'FusedLSTM', GRU: 'FusedGRU' };
const TO_STOCK: Record<string, string> = { FusedLSTM: 'LSTM', FusedGRU: 'GRU' };

/** A copy of `model` whose LSTM/GRU layers (also inside Bidirectional) run on the fused path, with the same weights. */
export function withFusedRecurrentLayers(model: tf.LayersModel): Promise<tf.LayersModel> {
  return convert(model, TO_FUSED);
}

/** A copy of `model` with stock tfjs-layers LSTM/GRU layers, for code that does not know the fused classes. */
export function withStockRecurrentLayers(model: tf.LayersModel): Promise<tf.LayersModel> {
  return convert(model, TO_STOCK);
}

async function convert(model: tf.LayersModel, names: Record<string, string>): Promise<tf.LayersModel> {
  const topology = JSON.parse(model.toJSON(null, true) as string) as unknown;
  const rename = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rename);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = key === 'class_name' && typeof value === 'string' && names[value] ? names[value] : rename(value);
    return out;
  };
  const copy = await tf.models.modelFromJSON({ modelTopology: rename(topology) as tf.io.ModelJSON['modelTopology'] });
  copy.setWeights(model.getWeights());
  return copy;
}
