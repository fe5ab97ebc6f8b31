import { tf } from '../tf.js';
import type { InvertibleActivation } from './activations.js';

export interface RecurrentOptions {
  activation: InvertibleActivation;
  recurrentActivation: InvertibleActivation;
  /** Process the sequence from its end (outputs stay in processing order, as in Keras). */
  goBackwards: boolean;
  /** Float mask [B, T] (1 = real step, 0 = padding), or null. */
  mask: tf.Tensor2D | null;
}

/** Time-major [T, B, ...] views of the input and mask, reversed for goBackwards. */
export function timeMajor(x: tf.Tensor3D, mask: tf.Tensor2D | null, goBackwards: boolean) {
  const xs = goBackwards ? tf.reverse(x, 1) : x;
  const [b, t, d] = x.shape;
  const flat = tf.reshape(tf.transpose(xs, [1, 0, 2]), [t * b, d]) as tf.Tensor2D;
  const masks = mask === null ? null : tf.split(tf.reshape(tf.transpose(goBackwards ? tf.reverse(mask, 1) : mask), [t, b, 1]), t, 0).map((m) => tf.reshape(m, [b, 1]));
  return { flat, masks };
}

/** Keeps the previous state where the mask is 0 (tfjs-layers' masking semantics). */
export function masked(next: tf.Tensor, previous: tf.Tensor, m: tf.Tensor | null | undefined): tf.Tensor {
  return m ? tf.add(tf.mul(next, m), tf.mul(previous, tf.sub(1, m))) : next;
}

/**
 * An LSTM over a whole sequence with the tfjs-layers weight layout (gates
 * i, f, c, o), as one differentiable op: the input projection of all steps is
 * one matmul, each step does only the recurrent product, and the backward pass
 * (BPTT, written out) gathers the weight gradients into three large matmuls.
 *
 * Returns [B, T + 1, U]: the T outputs, then the final carry state c.
 */
export function fusedLstm(
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  options: RecurrentOptions,
): tf.Tensor3D {
  const { activation: act, recurrentActivation: rec, goBackwards, mask } = options;
  const [batch, steps, inputDim] = x.shape;
  const units = recurrentKernel.shape[0];
  const op = tf.customGrad((...args: unknown[]) => {
    const [xIn, hIn, cIn, w, r, bIn, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const forward = tf.tidy(() => {
      const { flat, masks } = timeMajor(xIn, mask, goBackwards);
      const projected = tf.split(tf.add(tf.matMul(flat, w), bIn), steps, 0);
      let h: tf.Tensor = hIn;
      let c: tf.Tensor = cIn;
      const record: Record<'hPrev' | 'cPrev' | 'i' | 'f' | 'g' | 'o' | 'tc' | 'out', tf.Tensor[]> = { hPrev: [], cPrev: [], i: [], f: [], g: [], o: [], tc: [], out: [] };
      for (let t = 0; t < steps; t++) {
        const z = tf.add(projected[t] as tf.Tensor, tf.matMul(h, r));
        const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const i = rec.apply(zi);
        const f = rec.apply(zf);
        const g = act.apply(zg);
        const o = rec.apply(zo);
        const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
        const tc = act.apply(cNew);
        const hNew = tf.mul(o, tc);
        record.hPrev.push(h);
        record.cPrev.push(c);
        record.i.push(i);
        record.f.push(f);
        record.g.push(g);
        record.o.push(o);
        record.tc.push(tc);
        h = masked(hNew, h, masks?.[t]);
        c = masked(cNew, c, masks?.[t]);
        record.out.push(h);
      }
      const value = tf.concat([tf.stack(record.out, 1), tf.expandDims(c, 1)], 1) as tf.Tensor3D;
      const stacked = (list: tf.Tensor[]) => tf.stack(list) as tf.Tensor3D; // [T, B, U]
      const saved = [flat, w, r, stacked(record.hPrev), stacked(record.cPrev), stacked(record.i), stacked(record.f), stacked(record.g), stacked(record.o), stacked(record.tc)];
      // The mask is saved with the rest: the caller's copy may be gone when the backward pass runs.
      if (masks) saved.push(tf.stack(masks) as tf.Tensor3D);
      return { value, saved };
    });
    save(forward.saved);
    return {
      value: forward.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => lstmBackward(dy as tf.Tensor3D, saved, { act, rec, goBackwards, batch, steps, inputDim, units }),
    };
  });
  return op(x, h0, c0, kernel, recurrentKernel, bias) as tf.Tensor3D;
}

interface BackwardContext {
  act: InvertibleActivation;
  rec: InvertibleActivation;
  goBackwards: boolean;
  batch: number;
  steps: number;
  inputDim: number;
  units: number;
}

function lstmBackward(dy: tf.Tensor3D, saved: tf.Tensor[], ctx: BackwardContext): tf.Tensor[] {
  const { act, rec, goBackwards, batch, steps, inputDim, units } = ctx;
  return tf.tidy(() => {
    const [flat, w, r, ...perStepStacks] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, ...tf.Tensor3D[]];
    const [, cs, is, fs, gs, os, tcs, savedMasks] = perStepStacks.map((stack) => tf.unstack(stack)) as tf.Tensor[][];
    const dOut = tf.unstack(tf.transpose(tf.slice(dy, [0, 0, 0], [batch, steps, units]), [1, 0, 2]));
    const masks = savedMasks ?? null;
    const rT = tf.transpose(r);
    let dh: tf.Tensor = tf.zeros([batch, units]);
    let dc: tf.Tensor = tf.reshape(tf.slice(dy, [0, steps, 0], [batch, 1, units]), [batch, units]);
    const dz: tf.Tensor[] = new Array(steps);
    for (let t = steps - 1; t >= 0; t--) {
      const m = masks?.[t];
      const at = (list: tf.Tensor[] | undefined) => (list as tf.Tensor[])[t] as tf.Tensor;
      const [i, f, g, o, tc, cPrev] = [at(is), at(fs), at(gs), at(os), at(tcs), at(cs)];
      const dhTotal = tf.add(at(dOut), dh);
      const dcIn = dc;
      // Where the mask is 0 the step was skipped: its gradient flows straight to the previous state.
      const dhNew = m ? tf.mul(dhTotal, m) : dhTotal;
      const dcNew = tf.add(m ? tf.mul(dcIn, m) : dcIn, tf.mul(tf.mul(dhNew, o), act.derivativeFromOutput(tc)));
      const dzt = tf.concat(
        [
          tf.mul(tf.mul(dcNew, g), rec.derivativeFromOutput(i)),
          tf.mul(tf.mul(dcNew, cPrev), rec.derivativeFromOutput(f)),
          tf.mul(tf.mul(dcNew, i), act.derivativeFromOutput(g)),
          tf.mul(tf.mul(dhNew, tc), rec.derivativeFromOutput(o)),
        ],
        1,
      );
      dz[t] = dzt;
      dc = tf.mul(dcNew, f);
      dh = tf.matMul(dzt, rT);
      if (m) {
        const skip = tf.sub(1, m);
        dc = tf.add(dc, tf.mul(dcIn, skip));
        dh = tf.add(dh, tf.mul(dhTotal, skip));
      }
    }
    const dZ = tf.concat(dz, 0) as tf.Tensor2D;
    const hPrevFlat = tf.reshape(perStepStacks[0] as tf.Tensor3D, [steps * batch, units]) as tf.Tensor2D;
    const { dx, dKernel, dBias } = projectionGrads(dZ, flat, w, { goBackwards, batch, steps, inputDim });
    return [dx, dh, dc, dKernel, tf.matMul(hPrevFlat, dZ, true, false), dBias];
  });
}

/**
 * Gradients of the input projection x·W + b from the gradient of the
 * pre-activations of all steps [T·B, G]: three large matmuls instead of T small ones.
 */
export function projectionGrads(
  dZ: tf.Tensor2D,
  flat: tf.Tensor2D,
  kernel: tf.Tensor2D,
  shape: { goBackwards: boolean; batch: number; steps: number; inputDim: number },
): { dx: tf.Tensor3D; dKernel: tf.Tensor2D; dBias: tf.Tensor1D } {
  const { goBackwards, batch, steps, inputDim } = shape;
  const timeMajorDx = tf.reshape(tf.matMul(dZ, kernel, false, true), [steps, batch, inputDim]);
  const dx = tf.transpose(timeMajorDx, [1, 0, 2]) as tf.Tensor3D;
  return {
    dx: goBackwards ? (tf.reverse(dx, 1) as tf.Tensor3D) : dx,
    dKernel: tf.matMul(flat, dZ, true, false),
    // A product with a row of ones: the wasm backend's column sum transposes first and is ~50x slower.
    dBias: tf.reshape(tf.matMul(tf.ones([1, dZ.shape[0]]), dZ), [dZ.shape[1]]) as tf.Tensor1D,
  };
}
