// Affine maps in pixel coordinates (x = column, y = row, pixel centres at integers).
//
// Every matrix here is an INVERSE map, the convention of `tf.image.transform`:
// it takes a point of the OUTPUT image to the point of the INPUT image that is
// sampled there. A batch holds one 3x3 row-major matrix per image (9 numbers each).

/** A 3x3 row-major matrix. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

export const IDENTITY: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array<number>(9) as Matrix3;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
    }
  }
  return out;
}

/** Conjugates a map about the image centre: `C · m · C⁻¹`, so `m` acts around ((W-1)/2, (H-1)/2). */
export function aboutCentre(m: Matrix3, height: number, width: number): Matrix3 {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return multiply(multiply([1, 0, cx, 0, 1, cy, 0, 0, 1], m), [1, 0, -cx, 0, 1, -cy, 0, 0, 1]);
}

/**
 * Rotation by `radians`, counter-clockwise as the image is displayed (y down),
 * about the image centre; the same convention as Keras `RandomRotation`.
 */
export function rotationMatrix(radians: number, height: number, width: number): Matrix3 {
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  return aboutCentre([cos, -sin, 0, sin, cos, 0, 0, 0, 1], height, width);
}

/** Translation by (dx, dy) pixels: content moves right for dx > 0 and down for dy > 0. */
export function translationMatrix(dx: number, dy: number): Matrix3 {
  return [1, 0, -dx, 0, 1, -dy, 0, 0, 1];
}

/** Magnification (sx, sy) about the centre: 2 shows the middle half at twice the size, 0.5 shrinks the image. */
export function zoomMatrix(sx: number, sy: number, height: number, width: number): Matrix3 {
  return aboutCentre([1 / sx, 0, 0, 0, 1 / sy, 0, 0, 0, 1], height, width);
}

/** Shear along x by `radians` about the centre row: a pixel `dy` rows below the centre moves right by dy·tan(angle). */
export function shearXMatrix(radians: number, height: number, width: number): Matrix3 {
  return aboutCentre([1, -Math.tan(radians), 0, 0, 1, 0, 0, 0, 1], height, width);
}

/** Shear along y by `radians` about the centre column: a pixel `dx` columns right of the centre moves down by dx·tan(angle). */
export function shearYMatrix(radians: number, height: number, width: number): Matrix3 {
  return aboutCentre([1, 0, 0, -Math.tan(radians), 1, 0, 0, 0, 1], height, width);
}

/** Mirror image left-right (`horizontal`) and/or top-bottom (`vertical`); exact on the pixel grid. */
export function flipMatrix(horizontal: boolean, vertical: boolean, height: number, width: number): Matrix3 {
  return [horizontal ? -1 : 1, 0, horizontal ? width - 1 : 0, 0, vertical ? -1 : 1, vertical ? height - 1 : 0, 0, 0, 1];
}

/** A batch of matrices built image by image. */
export function batchOf(batchSize: number, matrixOf: (index: number) => Matrix3): Float64Array {
  const out = new Float64Array(batchSize * 9);
  for (let i = 0; i < batchSize; i++) out.set(matrixOf(i), i * 9);
  return out;
}

export function matrixAt(batch: Float64Array, index: number): Matrix3 {
  return Array.from(batch.subarray(index * 9, index * 9 + 9)) as Matrix3;
}

/**
 * Composes two batches of inverse maps for steps applied one after the other
 * (`first`, then `second`): the output point goes through `second`'s inverse,
 * then `first`'s, so the product is `first · second`.
 */
export function composeBatches(first: Float64Array, second: Float64Array): Float64Array {
  const n = first.length / 9;
  return batchOf(n, (i) => multiply(matrixAt(first, i), matrixAt(second, i)));
}

/** True when every matrix of the batch is the identity (nothing to resample). */
export function isIdentityBatch(batch: Float64Array, tolerance = 1e-12): boolean {
  for (let i = 0; i < batch.length; i++) {
    if (Math.abs(batch[i]! - IDENTITY[i % 9]!) > tolerance) return false;
  }
  return true;
}
