export { tf } from './tf.js';
export {
  initBackend,
  NATIVE_PACKAGES,
  type BackendName,
  type BackendRequest,
  type BackendSelection,
  type InitBackendOptions,
} from './init-backend.js';
export { seedStream, setGlobalSeed, getGlobalSeed, type SeedStream } from './seed.js';
export {
  DeepcourseError,
  InvalidArgumentError,
  ShapeError,
  BackendUnavailableError,
  ModelFileError,
  NonFiniteLossError,
  describe,
} from './errors.js';
