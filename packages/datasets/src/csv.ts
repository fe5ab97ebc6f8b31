import Papa from 'papaparse';
import { InvalidArgumentError, tf } from '@deepcourse/backend';
import { DatasetFormatError } from './errors.js';

/** A parsed CSV file: column names and rows of raw string fields, each row with its 1-based line number. */
export interface CsvTable {
  /** Where the text came from (a path, a URL or a label), used in error messages. */
  readonly file: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** The line on which each row starts (1-based, counting the header line). */
  readonly rowLines: readonly number[];
}

export interface CsvParseOptions {
  /** Names the source in errors (default '<csv text>'). */
  readonly file?: string;
  /** The first line holds column names (default true). */
  readonly header?: boolean;
  /** Column names for a file without a header (default 'column0', 'column1', ...). */
  readonly columnNames?: readonly string[];
  /** Field delimiter. Default: whichever of comma, tab, semicolon and pipe splits the first lines evenly (comma if none). */
  readonly delimiter?: string;
}

/**
 * Parses CSV text with Papa Parse (RFC 4180 quoting, embedded newlines, detected delimiter). Blank lines are
 * skipped; every other row must have as many fields as the header (or the first row), else a
 * DatasetFormatError names the file and the row's line.
 */
export function parseCsv(text: string, options: CsvParseOptions = {}): CsvTable {
  const file = options.file ?? '<csv text>';
  const header = options.header ?? true;
  const rows: string[][] = [];
  const rowLines: number[] = [];
  let line = 1;
  let previousCursor = 0;
  let failure: DatasetFormatError | undefined;
  const text0 = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // drop a UTF-8 byte-order mark
  Papa.parse<string[]>(text0, {
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    delimiter: options.delimiter ?? detectDelimiter(text0),
    step: (result, parser) => {
      const startLine = line;
      const cursor = result.meta.cursor;
      // The cursor ends past the row's line break; count \n, \r\n and a lone \r (also inside quoted fields).
      for (let i = previousCursor; i < cursor; i++) {
        const code = text0.charCodeAt(i);
        if (code === 10 || (code === 13 && text0.charCodeAt(i + 1) !== 10)) line++;
      }
      previousCursor = cursor;
      const quoteError = result.errors.find((e) => e.type === 'Quotes');
      if (quoteError !== undefined) {
        failure = new DatasetFormatError(file, 'properly quoted fields', quoteError.message, { row: startLine });
        parser.abort();
        return;
      }
      const fields = result.data;
      if (fields.length === 1 && fields[0]?.trim() === '') return; // blank line
      rows.push(fields);
      rowLines.push(startLine);
    },
  });
  if (failure !== undefined) throw failure;
  let columns: string[];
  if (header) {
    const first = rows.shift();
    rowLines.shift();
    if (first === undefined) throw new DatasetFormatError(file, 'a header line', 'an empty file', { row: 1 });
    columns = first.map((name) => name.trim());
  } else {
    const width = rows[0]?.length ?? options.columnNames?.length ?? 0;
    columns = options.columnNames !== undefined ? [...options.columnNames] : Array.from({ length: width }, (_, i) => `column${i}`);
  }
  if (options.columnNames !== undefined && header) {
    throw new InvalidArgumentError('options.columnNames', 'header: false (names come from the header line otherwise)', options.columnNames);
  }
  if (rows.length === 0) throw new DatasetFormatError(file, 'at least one data row', 'none', { row: header ? 2 : 1 });
  rows.forEach((fields, i) => {
    if (fields.length !== columns.length) {
      throw new DatasetFormatError(
        file,
        `${columns.length} fields (${header ? 'as the header' : options.columnNames !== undefined ? 'as options.columnNames' : 'as the first row'})`,
        `${fields.length} fields (ragged row)`,
        { row: rowLines[i] as number },
      );
    }
  });
  return { file, columns, rows, rowLines };
}

/**
 * Picks the delimiter that splits the first lines (quoted parts removed) into the same number (> 1) of fields,
 * preferring the one giving most fields; comma when none does.
 */
function detectDelimiter(text: string): string {
  const lines = text
    .slice(0, 65536)
    .replace(/"(?:[^"]|"")*"/g, '""')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(0, 10);
  let best = ',';
  let bestFields = 1;
  for (const candidate of [',', '\t', ';', '|']) {
    const counts = lines.map((line) => line.split(candidate).length);
    const fields = counts[0] ?? 1;
    if (fields > bestFields && counts.every((count) => count === fields)) {
      best = candidate;
      bestFields = fields;
    }
  }
  return best;
}

/** A column, by name or by index (negative counts from the end: -1 is the last column). */
export type ColumnRef = string | number;

export interface CsvTensorOptions {
  /** The label column (default -1, the last). `null` for a table without labels. */
  readonly label?: ColumnRef | null;
  /** Feature columns (default: every column but the label). */
  readonly features?: readonly ColumnRef[];
  /**
   * 'class' maps label values to class indices (sorted: numerically when all are numbers, else
   * alphabetically); 'number' reads them as numbers (regression, or 0/1 targets); 'auto' (default) picks
   * 'number' when every label is numeric and 'class' otherwise.
   */
  readonly labelType?: 'auto' | 'class' | 'number';
  /** Class names in the order wanted, for `labelType: 'class'`; a label not listed is an error. */
  readonly classNames?: readonly string[];
}

/** Features and labels of a table as tensors the caller owns (`tf.dispose(result)` frees both). */
export type TabularData = {
  /** float32 [rows, features]. */
  readonly features: tf.Tensor2D;
  /** int32 class indices ('class') or float32 values ('number') [rows]; absent when `label: null`. */
  readonly labels?: tf.Tensor1D;
  readonly featureNames: string[];
  readonly labelName?: string;
  /** For class labels: the name of each class index. */
  readonly classNames?: string[];
};

function resolveColumn(table: CsvTable, ref: ColumnRef, argument: string): number {
  if (typeof ref === 'number') {
    const index = ref < 0 ? table.columns.length + ref : ref;
    if (!Number.isSafeInteger(ref) || index < 0 || index >= table.columns.length) {
      throw new InvalidArgumentError(argument, `a column index in [-${table.columns.length}, ${table.columns.length})`, ref);
    }
    return index;
  }
  const index = table.columns.indexOf(ref);
  if (index < 0) throw new InvalidArgumentError(argument, `one of the columns ${table.columns.map((c) => JSON.stringify(c)).join(', ')}`, ref);
  return index;
}

function parseNumber(field: string): number {
  const trimmed = field.trim();
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

/**
 * Turns a parsed table into a float32 feature matrix and a label vector. A field that is not a finite
 * number gives a DatasetFormatError naming the file, the row's line and the column.
 */
export function csvToTensors(table: CsvTable, options: CsvTensorOptions = {}): TabularData {
  const labelIndex = options.label === null ? undefined : resolveColumn(table, options.label ?? -1, 'options.label');
  const featureIndices =
    options.features !== undefined
      ? options.features.map((ref, i) => resolveColumn(table, ref, `options.features[${i}]`))
      : table.columns.map((_, i) => i).filter((i) => i !== labelIndex);
  if (featureIndices.length === 0) throw new InvalidArgumentError('options.features', 'at least one feature column', options.features ?? []);
  if (labelIndex !== undefined && featureIndices.includes(labelIndex)) {
    throw new InvalidArgumentError('options.features', `columns other than the label ${JSON.stringify(table.columns[labelIndex])}`, options.features);
  }
  const n = table.rows.length;
  const width = featureIndices.length;
  const values = new Float32Array(n * width);
  table.rows.forEach((row, r) => {
    featureIndices.forEach((c, j) => {
      const field = row[c] as string;
      const value = parseNumber(field);
      if (!Number.isFinite(value)) {
        throw new DatasetFormatError(table.file, 'a finite number', JSON.stringify(field), { row: table.rowLines[r] as number, column: table.columns[c] as string });
      }
      values[r * width + j] = value;
    });
  });
  const featureNames = featureIndices.map((c) => table.columns[c] as string);
  const features = tf.tensor2d(values, [n, width], 'float32');
  if (labelIndex === undefined) return { features, featureNames };
  const labelName = table.columns[labelIndex] as string;
  try {
    const fields = table.rows.map((row) => (row[labelIndex] as string).trim());
    const allNumeric = fields.every((f) => Number.isFinite(parseNumber(f)));
    const labelType = options.labelType ?? 'auto';
    if (labelType === 'number' || (labelType === 'auto' && allNumeric && options.classNames === undefined)) {
      const targets = new Float32Array(n);
      fields.forEach((f, r) => {
        const value = parseNumber(f);
        if (!Number.isFinite(value)) {
          throw new DatasetFormatError(table.file, 'a finite number (labelType: number)', JSON.stringify(f), { row: table.rowLines[r] as number, column: labelName });
        }
        targets[r] = value;
      });
      return { features, labels: tf.tensor1d(targets, 'float32'), featureNames, labelName };
    }
    const classNames =
      options.classNames !== undefined
        ? [...options.classNames]
        : [...new Set(fields)].sort(allNumeric ? (a, b) => parseNumber(a) - parseNumber(b) : undefined);
    const indexOf = new Map(classNames.map((name, i) => [name, i]));
    const indices = new Int32Array(n);
    fields.forEach((f, r) => {
      const index = indexOf.get(f);
      if (index === undefined) {
        throw new DatasetFormatError(table.file, `a class in options.classNames (${classNames.join(', ')})`, JSON.stringify(f), { row: table.rowLines[r] as number, column: labelName });
      }
      indices[r] = index;
    });
    return { features, labels: tf.tensor1d(indices, 'int32'), featureNames, labelName, classNames };
  } catch (error) {
    features.dispose();
    throw error;
  }
}
