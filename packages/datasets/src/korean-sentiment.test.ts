import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '@deepcourse/backend';
import { expectError } from '../test-support/helpers.js';
import { KOREAN_SENTIMENT_TOPICS, koreanSentiment } from './korean-sentiment.js';

describe('koreanSentiment', () => {
  test('320 distinct Korean sentences, 16 topics of 10 positive and 10 negative', () => {
    const corpus = koreanSentiment();
    expect(corpus).toHaveLength(320);
    expect(new Set(corpus.map((s) => s.text)).size).toBe(320);
    for (const topic of KOREAN_SENTIMENT_TOPICS) {
      const sentences = corpus.filter((s) => s.topic === topic);
      expect(sentences.filter((s) => s.label === 1)).toHaveLength(10);
      expect(sentences.filter((s) => s.label === 0)).toHaveLength(10);
    }
    // Every sentence is mostly Hangul and ends like a sentence.
    for (const { text } of corpus) {
      const hangul = [...text].filter((c) => /[\uac00-\ud7a3]/.test(c)).length;
      expect(hangul / text.replace(/\s/g, '').length).toBeGreaterThan(0.8);
      expect(text).toMatch(/[.!?]$/);
    }
    expect(corpus[0]).toEqual({ text: '이 집 김치찌개는 국물이 진하고 정말 맛있어요.', label: 1, topic: 'food' });
  });

  test('topics filter; results are copies; unknown topics are named', async () => {
    const weather = koreanSentiment({ topics: ['weather'] });
    expect(weather).toHaveLength(20);
    (weather[0] as { label: number }).label = 0;
    expect(koreanSentiment({ topics: ['weather'] })[0]?.label).toBe(1);
    await expectError(() => koreanSentiment({ topics: ['sports'] }), InvalidArgumentError, 'options.topics', '"sports"');
  });
});
