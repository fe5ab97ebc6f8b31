import { DeepcourseError } from '@deepcourse/backend';

/** The model cannot be explained as asked (several inputs, no layer with 4-D output, unknown layer name, not built). */
export class UnsupportedModelError extends DeepcourseError {
  override name = 'UnsupportedModelError';
}
