/** Base class of every error deepcourse throws on purpose. */
export class DeepcourseError extends Error {
  override name = 'DeepcourseError';
}

/** An argument has a value the function cannot accept (names the argument, what was expected and found). */
export class InvalidArgumentError extends DeepcourseError {
  override name = 'InvalidArgumentError';
  constructor(
    readonly argument: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`${argument}: expected ${expected}, found ${describe(found)}`);
  }
}

/** A tensor has the wrong rank, size or dtype. */
export class ShapeError extends DeepcourseError {
  override name = 'ShapeError';
  constructor(
    readonly argument: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${argument}: expected ${expected}, found ${found}`);
  }
}

/** A requested TensorFlow.js backend is not installed or failed to start. */
export class BackendUnavailableError extends DeepcourseError {
  override name = 'BackendUnavailableError';
}

/** A model file (model.json, weights, metadata) is missing, corrupt or does not match its manifest. */
export class ModelFileError extends DeepcourseError {
  override name = 'ModelFileError';
}

/** Training produced a NaN or infinite loss. */
export class NonFiniteLossError extends DeepcourseError {
  override name = 'NonFiniteLossError';
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
  ) {
    super(`loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1}; lower the learning rate or check the inputs for NaN`);
  }
}

/** A short, readable description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object' && 'shape' in value && 'dtype' in value) {
    const t = value as { shape: number[]; dtype: string };
    return `a ${t.dtype} tensor of shape [${t.shape.join(', ')}]`;
  }
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}
