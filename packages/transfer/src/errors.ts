import { ShapeError } from '@deepcourse/backend';

/**
 * The data (or a requested input shape) does not fit the input a base model
 * was built for, e.g. 150x150x3 images given to a 28x28x1 base. Resize or
 * convert the images, or choose a base built for their shape.
 */
export class BaseInputShapeError extends ShapeError {
  override name = 'BaseInputShapeError';
}
