// Python's `json.dumps` with its defaults (ensure_ascii=True, separators ', ' and ': '), so that
// files we write are byte-identical to the ones Keras writes.

export type PyJson = null | boolean | number | string | PyJson[] | PyJsonObject;
export interface PyJsonObject {
  [key: string]: PyJson;
}

/** `json.dumps(value)` as CPython writes it. Object keys keep insertion order, like a Python dict. */
export function pythonJsonDumps(value: PyJson | Map<string, PyJson>): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) return `[${value.map((v) => pythonJsonDumps(v)).join(', ')}]`;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return `{${entries.map(([k, v]) => `${pythonString(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A Python `json` string literal: everything outside printable ASCII becomes \uXXXX (UTF-16 units, lower-case hex). */
export function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const code = s.charCodeAt(i);
    out += code >= 0x20 && code <= 0x7e ? ch : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}
