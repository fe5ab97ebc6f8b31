// pnpm bench:dcgan-speed [-- --backend wasm|cpu] [--steps 20] [--g-base 64] [--g-conv 32] [--d1 32] [--d2 64] [--kernel 3]
// DCGAN training steps per second (batch 32: one discriminator and one generator update per step) on one
// backend, after two warm-up steps; wall and process CPU time (the stable measure on a shared machine). Run it
// once per backend: each process owns one tfjs engine. cpu uses the benchmark's flat-array Conv2DBackpropFilter.
import { parseArgs } from 'node:util';
import { tf, initBackend } from '@deepcourse/backend';
import { installFastCpuConvFilterGradient } from './fast-cpu-conv-filter-grad.js';
import { dcgan, trainGan } from '../src/index.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '20' },
    'g-base': { type: 'string', default: '64' },
    'g-conv': { type: 'string', default: '32' },
    d1: { type: 'string', default: '32' },
    d2: { type: 'string', default: '64' },
    kernel: { type: 'string', default: '3' },
  },
});
const backend = values.backend as 'wasm' | 'cpu';
const steps = Number(values.steps);
await initBackend({ backend, seed: 1 });
if (backend === 'cpu') installFastCpuConvFilterGradient();
const sizes = {
  generatorBaseFilters: Number(values['g-base']),
  generatorConvFilters: Number(values['g-conv']),
  discriminatorFilters: [Number(values.d1), Number(values.d2)] as [number, number],
  kernelSize: Number(values.kernel),
  seed: 1,
};
const gan = dcgan(sizes);
const images = tf.randomUniform([256, 28, 28, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
await trainGan(gan, images, { steps: 2, batchSize: 32, seed: 1 });
const wall0 = Date.now();
const cpu0 = process.cpuUsage();
await trainGan(gan, images, { steps, batchSize: 32, seed: 2 });
const wall = (Date.now() - wall0) / 1000;
const cpuUsed = process.cpuUsage(cpu0);
const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
images.dispose();
const label = `g ${sizes.generatorBaseFilters}/${sizes.generatorConvFilters}, d ${sizes.discriminatorFilters.join('/')}, kernel ${sizes.kernelSize}`;
console.log(`| ${backend} | ${label} | ${gan.generator.countParams() + gan.discriminator.countParams()} | ${steps} | ${(steps / wall).toFixed(2)} | ${(steps / cpu).toFixed(2)} |`);
