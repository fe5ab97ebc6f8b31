import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@deepcourse/backend';
import { loadModel, saveModel } from '@deepcourse/backend/node';
import * as sequenceModels from './index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('@deepcourse/sequence-models entry', () => {
  it('registers every custom layer with tfjs serialization', () => {
    const registered = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const name of [
      'DeepcourseMultiHeadAttention',
      'DeepcoursePositionalEmbedding',
      'DeepcourseTransformerEncoderBlock',
      'DeepcourseTransformerDecoderBlock',
      'DeepcourseAttentionPooling1D',
      'DeepcourseMaskedGlobalAveragePooling1D',
      'DeepcourseSeededDropout',
      'DeepcourseTokenEmbedding',
    ]) {
      expect(registered[name], name).toBeDefined();
    }
    // tfjs's own (unexported) MultiHeadAttention keeps its name: ours does not collide with it.
    expect(registered['MultiHeadAttention']?.[0]).not.toBe(sequenceModels.MultiHeadAttention);
  });

  it('a Transformer classifier saved to files with the backend loads with identical predictions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sequence-models-'));
    try {
      const model = sequenceModels.transformerClassifier({ vocabSize: 30, sequenceLength: 8, embeddingDim: 8, numHeads: 2, numBlocks: 2, numClasses: 3, seed: 1 });
      await saveModel(model, dir, { metadata: { labels: ['a', 'b', 'c'] } });
      const loaded = await loadModel(dir);
      const x = sequenceModels.tokenIdTensor([[1, 2, 3], [4, 5, 6, 7, 8, 9, 10, 11]], { sequenceLength: 8 });
      const [p, q] = tf.tidy(() => [model, loaded].map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync())));
      expect(q).toEqual(p);
      x.dispose();
      model.dispose();
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
