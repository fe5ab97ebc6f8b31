import { InvalidArgumentError } from '@deepcourse/backend';
import { KOREAN_SENTIMENT_SOURCE } from './korean-sentiment-data.js';

/** One sentence of the Korean sentiment corpus. */
export interface KoreanSentence {
  readonly text: string;
  /** 1 = positive, 0 = negative. */
  readonly label: 0 | 1;
  /** Everyday topic: food, cafe, weather, shopping, movies, travel, lodging, work, school, health, transport, electronics, books, music, home, pets. */
  readonly topic: string;
}

export const KOREAN_SENTIMENT_TOPICS: readonly string[] = [
  'food', 'cafe', 'weather', 'shopping', 'movies', 'travel', 'lodging', 'work',
  'school', 'health', 'transport', 'electronics', 'books', 'music', 'home', 'pets',
];

let parsed: KoreanSentence[] | undefined;

function parseCorpus(): KoreanSentence[] {
  const sentences: KoreanSentence[] = [];
  let topic = '';
  for (const raw of KOREAN_SENTIMENT_SOURCE.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('# ')) topic = line.slice(2);
    else if (line.startsWith('+ ')) sentences.push({ text: line.slice(2), label: 1, topic });
    else if (line.startsWith('- ')) sentences.push({ text: line.slice(2), label: 0, topic });
    else throw new Error(`korean-sentiment-data: malformed line ${JSON.stringify(line)}`);
  }
  return sentences;
}

/**
 * The deepcourse Korean sentiment corpus: 320 natural everyday sentences (16 topics x 10 positive + 10
 * negative) written by the deepcourse team for this package, with a positive (1) / negative (0) label each.
 * Small on purpose: a first Korean tokenisation and classification exercise, not a benchmark. Pass
 * `topics` to keep some topics only. Returns fresh objects in a fixed order (topic by topic).
 */
export function koreanSentiment(options: { readonly topics?: readonly string[] } = {}): KoreanSentence[] {
  parsed ??= parseCorpus();
  if (options.topics === undefined) return parsed.map((s) => ({ ...s }));
  for (const topic of options.topics) {
    if (!KOREAN_SENTIMENT_TOPICS.includes(topic)) throw new InvalidArgumentError('options.topics', `topics among ${KOREAN_SENTIMENT_TOPICS.join(', ')}`, topic);
  }
  return parsed.filter((s) => options.topics?.includes(s.topic)).map((s) => ({ ...s }));
}
