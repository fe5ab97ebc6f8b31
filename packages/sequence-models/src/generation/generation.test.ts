import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, seedStream, tf, InvalidArgumentError } from '@deepcourse/backend';
import { CharVocabulary } from './char-vocabulary.js';
import { applyTemperature, charExamples, charExamplesToTensors, charLstmModel, generateText, sampleWithTemperature } from './char-lstm.js';
import { expectNoLeak, roundTrip } from '../test-support/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('CharVocabulary', () => {
  it('counts code points (Hangul and emoji are one character each) and round-trips', () => {
    const vocab = CharVocabulary.fromText('하늘 sky 🙂 sky');
    expect(vocab.chars).toEqual([' ', 'k', 's', 'y', '늘', '하', '🙂']);
    const ids = vocab.encode('sky 하늘🙂');
    expect(Array.from(ids)).toEqual([2, 1, 3, 0, 5, 4, 6]);
    expect(vocab.decode(ids)).toBe('sky 하늘🙂');
    expect(CharVocabulary.fromJSON(JSON.parse(JSON.stringify(vocab))).chars).toEqual(vocab.chars);
    expect(() => vocab.encode('skz')).toThrow(/text\[2\]/);
    expect(Array.from(vocab.encode('skz', { unknown: 'skip' }))).toEqual([2, 1]);
    expect(() => vocab.decode([7])).toThrow(InvalidArgumentError);
  });
});

describe('charExamples', () => {
  it('pairs each window with the next character', () => {
    const vocab = CharVocabulary.fromText('abcde');
    const ex = charExamples('abcde', vocab, { sequenceLength: 2, stride: 2 });
    // windows "ab"->c, "cd"->e
    expect(ex.count).toBe(2);
    expect(Array.from(ex.inputs)).toEqual([0, 1, 2, 3]);
    expect(Array.from(ex.targets)).toEqual([2, 4]);
    expect(() => charExamples('ab', vocab, { sequenceLength: 2 })).toThrow(/more than sequenceLength=2/);
  });
});

describe('temperature sampling', () => {
  it('scales a distribution as p^(1/T), normalised', () => {
    const scaled = applyTemperature([0.5, 0.25, 0.25], 0.5);
    expect(scaled[0]).toBeCloseTo(0.25 / 0.375, 12);
    expect(scaled[1]).toBeCloseTo(0.0625 / 0.375, 12);
    expect(Array.from(applyTemperature([0.2, 0.5, 0.3], 0))).toEqual([0, 1, 0]);
    const flat = applyTemperature([0.7, 0.2, 0.1], 1000);
    expect(Math.max(...flat) - Math.min(...flat)).toBeLessThan(0.01);
    expect(() => applyTemperature([1], -1)).toThrow(/temperature/);
  });

  it('draws with the scaled frequencies and replays from the seed', () => {
    const draw = (seed: number) => {
      const rng = seedStream(seed);
      return Array.from({ length: 4000 }, () => sampleWithTemperature([0.5, 0.25, 0.25], 0.5, rng));
    };
    const a = draw(1);
    expect(draw(1)).toEqual(a);
    expect(draw(2)).not.toEqual(a);
    const share = a.filter((i) => i === 0).length / a.length;
    expect(share).toBeGreaterThan(0.64);
    expect(share).toBeLessThan(0.69);
  });
});

describe('char LSTM', () => {
  it('learns a repeated phrase, continues it greedily, and saves/loads', async () => {
    const text = 'hello world. '.repeat(12);
    const vocab = CharVocabulary.fromText(text);
    const { xs, ys } = charExamplesToTensors(charExamples(text, vocab, { sequenceLength: 6, stride: 1 }));
    const model = charLstmModel({ vocabSize: vocab.size, embeddingDim: 8, units: 32, learningRate: 2e-2, seed: 3 });
    await model.fit(xs, ys, { epochs: 20, batchSize: 64, shuffle: false, verbose: 0 });
    tf.dispose([xs, ys]);
    const greedy = await expectNoLeak(() => generateText(model, vocab, { prompt: 'hello w', length: 12, temperature: 0, contextLength: 6 }));
    expect(greedy).toBe('orld. hello ');
    const hot = (seed: number) => generateText(model, vocab, { prompt: 'hello', length: 30, temperature: 1.5, seed, contextLength: 6 });
    expect(hot(5)).toBe(hot(5));
    const loaded = await roundTrip(model);
    expect(generateText(loaded, vocab, { prompt: 'hello w', length: 12, temperature: 0, contextLength: 6 })).toBe(greedy);
    expect(() => generateText(model, CharVocabulary.fromText('xyz'), { prompt: 'x', length: 1 })).toThrow(/vocabulary/);
    model.dispose();
    loaded.dispose();
  });
});
