import { afterEach, describe, expect, test } from 'vitest';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from './tf.js';
import { initBackend, selectBackend, type BackendEnvironment } from './init-backend.js';
import { BackendUnavailableError, InvalidArgumentError } from './errors.js';
import { getGlobalSeed } from './seed.js';

const notInstalled = (name: string) => Object.assign(new Error(`Cannot find package '${name}' imported from x`), { code: 'ERR_MODULE_NOT_FOUND' });

/** A module lookup in which only `installed` exist; importing one registers a fake native backend. */
function fakeEnvironment(installed: string[], imported: string[] = []): BackendEnvironment {
  return {
    isNode: true,
    async importModule(name) {
      imported.push(name);
      if (!installed.includes(name)) throw notInstalled(name);
      tf.registerBackend('tensorflow', () => new MathBackendCPU());
      return {};
    },
  };
}

afterEach(async () => {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  await tf.setBackend('cpu');
});

describe('initBackend', () => {
  test("'auto' picks wasm here, where no native TensorFlow is installed, and says why", async () => {
    const selection = await initBackend({ backend: 'auto', seed: 7 });
    expect(selection.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selection.skipped.map((s) => s.reason)).toEqual([
      '@tensorflow/tfjs-node-gpu is not installed',
      '@tensorflow/tfjs-node is not installed',
    ]);
    expect(selection.seed).toBe(7);
    expect(getGlobalSeed()).toBe(7);
  });

  test('explicit cpu and wasm are honoured', async () => {
    expect((await initBackend({ backend: 'cpu' })).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend({ backend: 'wasm' })).backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  test("explicit 'tensorflow' without the package is an error naming what to install", async () => {
    const error = await initBackend({ backend: 'tensorflow' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain('@tensorflow/tfjs-node');
    expect(tf.getBackend()).not.toBe('tensorflow');
  });

  test('an unknown backend name is rejected', async () => {
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('native selection (faked module lookup)', () => {
  test("'auto' prefers tfjs-node-gpu over tfjs-node when both are installed", async () => {
    const imported: string[] = [];
    const selection = await selectBackend({}, fakeEnvironment(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], imported));
    expect(selection).toMatchObject({ backend: 'tensorflow', nativePackage: '@tensorflow/tfjs-node-gpu' });
    expect(imported).toEqual(['@tensorflow/tfjs-node-gpu']);
    expect(tf.getBackend()).toBe('tensorflow');
  });

  test("'auto' falls to tfjs-node when only it is installed", async () => {
    const selection = await selectBackend({ backend: 'auto' }, fakeEnvironment(['@tensorflow/tfjs-node']));
    expect(selection.nativePackage).toBe('@tensorflow/tfjs-node');
    expect(selection.skipped).toEqual([{ backend: 'tensorflow', reason: '@tensorflow/tfjs-node-gpu is not installed' }]);
  });

  test('a native package that is installed but broken is reported, and auto moves on to wasm', async () => {
    const environment: BackendEnvironment = {
      isNode: true,
      importModule: async (name) => {
        if (name === '@tensorflow/tfjs-node') throw new Error('libtensorflow.so: cannot open shared object file');
        throw notInstalled(name);
      },
    };
    const selection = await selectBackend({}, environment);
    expect(selection.backend).toBe('wasm');
    expect(selection.skipped[1]?.reason).toContain('failed to load: libtensorflow.so');
    await expect(selectBackend({ backend: 'tensorflow' }, environment)).rejects.toThrow(/libtensorflow\.so.*install @tensorflow\/tfjs-node/);
  });

  test('in a browser, native is skipped without trying to import it', async () => {
    const imported: string[] = [];
    const selection = await selectBackend({}, { ...fakeEnvironment(['@tensorflow/tfjs-node'], imported), isNode: false });
    expect(imported).toEqual([]);
    expect(selection.backend).toBe('wasm');
  });
});
