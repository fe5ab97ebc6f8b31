import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, InvalidArgumentError } from '@deepcourse/backend';
import { digitBaseCnn } from './digit-base.js';
import { findFeatureLayer } from './feature-layer.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('digitBaseCnn', () => {
  it('has the documented layers and parameter count, and its features are the 576 flattened conv3 maps', () => {
    const model = digitBaseCnn({ seed: 1 });
    // conv1 16*9+16, conv2 32*16*9+32, conv3 64*32*9+64, fc1 576*64+64, classifier 64*5+5
    expect(model.countParams()).toBe(160 + 4640 + 18496 + 36928 + 325);
    expect(findFeatureLayer(model).name).toBe('flatten');
    expect(model.getLayer('flatten').outputShape).toEqual([null, 576]);
    const again = digitBaseCnn({ seed: 1 });
    const other = digitBaseCnn({ seed: 2 });
    const kernel = (m: typeof model) => Array.from(m.getLayer('conv2').getWeights()[0]!.dataSync());
    expect(kernel(again)).toEqual(kernel(model));
    expect(kernel(other)).not.toEqual(kernel(model));
    expect(() => digitBaseCnn({ numClasses: 1 })).toThrow(InvalidArgumentError);
    [model, again, other].forEach((m) => m.dispose());
  });
});
