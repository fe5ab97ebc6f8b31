import { readFile } from 'node:fs/promises';
import { DatasetFormatError, DatasetNotFoundError } from '../errors.js';
import { csvToTensors, parseCsv, type CsvParseOptions, type CsvTable, type CsvTensorOptions, type TabularData } from '../csv.js';

async function readText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetNotFoundError(path, 'no such file');
    throw error;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new DatasetFormatError(path, 'UTF-8 text', 'bytes that are not UTF-8', { byteOffset: bad });
  }
}

/** Offset of the first byte that breaks UTF-8 (called only after a decode failed). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return i;
}

/** Reads and parses a CSV file (see `parseCsv`): column names and raw string rows, errors naming the file and row. */
export async function readCsvTable(path: string, options: Omit<CsvParseOptions, 'file'> = {}): Promise<CsvTable> {
  return parseCsv(await readText(path), { ...options, file: path });
}

/**
 * Loads a CSV file as tensors: a float32 feature matrix and a label vector (by column name or index; class
 * labels become int32 indices with `classNames`). Ragged rows and non-numeric fields give a
 * DatasetFormatError naming the file, the row's line and the column. The caller owns the tensors.
 */
export async function loadCsv(path: string, options: Omit<CsvParseOptions, 'file'> & CsvTensorOptions = {}): Promise<TabularData> {
  const { header, columnNames, delimiter, ...tensorOptions } = options;
  const table = await readCsvTable(path, {
    ...(header === undefined ? {} : { header }),
    ...(columnNames === undefined ? {} : { columnNames }),
    ...(delimiter === undefined ? {} : { delimiter }),
  });
  return csvToTensors(table, tensorOptions);
}
