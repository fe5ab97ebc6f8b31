import { tf } from '../tf.js';
import { masked, projectionGrads, timeMajor, type RecurrentOptions } from './fused-lstm.js';

/**
 * A GRU over a whole sequence with tfjs-layers' weight layout and formulas
 * (gates z, r, h; reset applied before the recurrent product), as one
 * differentiable op with a written-out backward pass. Returns [B, T, U].
 */
export function fusedGru(
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  options: RecurrentOptions,
): tf.Tensor3D {
  const { activation: act, recurrentActivation: rec, goBackwards, mask } = options;
  const [batch, steps, inputDim] = x.shape;
  const units = recurrentKernel.shape[0];
  const op = tf.customGrad((...args: unknown[]) => {
    const [xIn, hIn, w, r, bIn, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const forward = tf.tidy(() => {
      const { flat, masks } = timeMajor(xIn, mask, goBackwards);
      const projected = tf.split(tf.add(tf.matMul(flat, w), bIn), steps, 0);
      const [rZR, rH] = tf.split(r, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
      let h: tf.Tensor = hIn;
      const record: Record<'hPrev' | 'z' | 'r' | 'hh' | 'out', tf.Tensor[]> = { hPrev: [], z: [], r: [], hh: [], out: [] };
      for (let t = 0; t < steps; t++) {
        const [xz, xr, xh] = tf.split(projected[t] as tf.Tensor, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [hz, hr] = tf.split(tf.matMul(h, rZR), 2, 1) as [tf.Tensor, tf.Tensor];
        const z = rec.apply(tf.add(xz, hz));
        const rg = rec.apply(tf.add(xr, hr));
        const hh = act.apply(tf.add(xh, tf.matMul(tf.mul(rg, h), rH)));
        const hNew = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
        record.hPrev.push(h);
        record.z.push(z);
        record.r.push(rg);
        record.hh.push(hh);
        h = masked(hNew, h, masks?.[t]);
        record.out.push(h);
      }
      const stacked = (list: tf.Tensor[]) => tf.stack(list) as tf.Tensor3D;
      const saved = [flat, w, r, stacked(record.hPrev), stacked(record.z), stacked(record.r), stacked(record.hh)];
      // The mask is saved with the rest: the caller's copy may be gone when the backward pass runs.
      if (masks) saved.push(tf.stack(masks) as tf.Tensor3D);
      return { value: tf.stack(record.out, 1) as tf.Tensor3D, saved };
    });
    save(forward.saved);
    return {
      value: forward.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [flat, w, r, hPrevAll, zAll, rAll, hhAll, maskAll] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, ...tf.Tensor3D[]];
          const [hs, zs, rs, hhs] = [hPrevAll, zAll, rAll, hhAll].map((s) => tf.unstack(s as tf.Tensor)) as tf.Tensor[][];
          const dOut = tf.unstack(tf.transpose(dy, [1, 0, 2]));
          const masks = maskAll ? tf.unstack(maskAll) : null;
          const [rZR, rH] = tf.split(r, [2 * units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
          const rZRT = tf.transpose(rZR);
          const rHT = tf.transpose(rH);
          let dh: tf.Tensor = tf.zeros([batch, units]);
          const dInner: tf.Tensor[] = new Array(steps);
          const dCandidate: tf.Tensor[] = new Array(steps);
          const resetH: tf.Tensor[] = new Array(steps);
          for (let t = steps - 1; t >= 0; t--) {
            const at = (list: tf.Tensor[] | undefined) => (list as tf.Tensor[])[t] as tf.Tensor;
            const m = masks?.[t];
            const [hPrev, z, rg, hh] = [at(hs), at(zs), at(rs), at(hhs)];
            const dhTotal = tf.add(at(dOut), dh);
            const dhNew = m ? tf.mul(dhTotal, m) : dhTotal;
            const dPreZ = tf.mul(tf.mul(dhNew, tf.sub(hPrev, hh)), rec.derivativeFromOutput(z));
            const dPreH = tf.mul(tf.mul(dhNew, tf.sub(1, z)), act.derivativeFromOutput(hh));
            const dResetH = tf.matMul(dPreH, rHT);
            const dPreR = tf.mul(tf.mul(dResetH, hPrev), rec.derivativeFromOutput(rg));
            const inner = tf.concat([dPreZ, dPreR], 1);
            dInner[t] = inner;
            dCandidate[t] = dPreH;
            resetH[t] = tf.mul(rg, hPrev);
            dh = tf.add(tf.add(tf.mul(dhNew, z), tf.mul(dResetH, rg)), tf.matMul(inner, rZRT));
            if (m) dh = tf.add(dh, tf.mul(dhTotal, tf.sub(1, m)));
          }
          const flatOf = (list: tf.Tensor[]) => tf.concat(list, 0) as tf.Tensor2D;
          const dInnerFlat = flatOf(dInner);
          const dCandidateFlat = flatOf(dCandidate);
          const dZ = tf.concat([dInnerFlat, dCandidateFlat], 1) as tf.Tensor2D;
          const hPrevFlat = tf.reshape(hPrevAll as tf.Tensor3D, [steps * batch, units]) as tf.Tensor2D;
          const dR = tf.concat([tf.matMul(hPrevFlat, dInnerFlat, true, false), tf.matMul(flatOf(resetH), dCandidateFlat, true, false)], 1);
          const { dx, dKernel, dBias } = projectionGrads(dZ, flat, w, { goBackwards, batch, steps, inputDim });
          return [dx, dh, dKernel, dR, dBias];
        }),
    };
  });
  return op(x, h0, kernel, recurrentKernel, bias) as tf.Tensor3D;
}
