import { InvalidArgumentError } from '@deepcourse/backend';

export interface CharVocabularyJSON {
  chars: string[];
}

/**
 * The characters (Unicode code points, so Hangul syllables and emoji count as one) of a text, each
 * with an id 0..size-1 in code-point order.
 */
export class CharVocabulary {
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  private constructor(chars: string[]) {
    this.chars = chars;
    this.ids = new Map(chars.map((c, i) => [c, i]));
  }

  /** Every distinct character of `text`. */
  static fromText(text: string): CharVocabulary {
    if (typeof text !== 'string' || text.length === 0) throw new InvalidArgumentError('text', 'a non-empty string', text);
    const chars = [...new Set(Array.from(text))].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number));
    return new CharVocabulary(chars);
  }

  static fromJSON(json: CharVocabularyJSON): CharVocabulary {
    const chars = json?.chars;
    if (!Array.isArray(chars) || chars.length === 0 || chars.some((c) => typeof c !== 'string' || Array.from(c).length !== 1) || new Set(chars).size !== chars.length) {
      throw new InvalidArgumentError('json.chars', 'an array of distinct single characters', chars);
    }
    return new CharVocabulary([...chars]);
  }

  get size(): number {
    return this.chars.length;
  }

  /** Ids of the characters of `text`; a character outside the vocabulary is an error unless `unknown: 'skip'`. */
  encode(text: string, options: { unknown?: 'error' | 'skip' } = {}): Int32Array {
    const out: number[] = [];
    Array.from(text).forEach((c, i) => {
      const id = this.ids.get(c);
      if (id !== undefined) out.push(id);
      else if (options.unknown !== 'skip') throw new InvalidArgumentError(`text[${i}]`, 'a character of the vocabulary (or unknown: "skip")', c);
    });
    return Int32Array.from(out);
  }

  decode(ids: ArrayLike<number>): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i] as number];
      if (c === undefined) throw new InvalidArgumentError(`ids[${i}]`, `an id in [0, ${this.size})`, ids[i]);
      text += c;
    }
    return text;
  }

  toJSON(): CharVocabularyJSON {
    return { chars: [...this.chars] };
  }
}
