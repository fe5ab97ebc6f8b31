// The one place in deepcourse that imports TensorFlow.js.
//
// `@tensorflow/tfjs` is the union of tfjs-core, tfjs-layers, tfjs-data and the
// cpu backend. We import it rather than tfjs-core alone because its CommonJS
// build is the only one that registers every gradient and chained tensor
// method (`x.flatten()`, used inside LSTM) under plain Node; the ESM
// `register_all_*` files of tfjs-core cannot be loaded by Node. Every package of
// the monorepo uses the `tf` re-exported here, so one engine serves the process.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
