import { DeepcourseError } from '@deepcourse/backend';

/** Where in a file or data set a problem was found. Only the fields that apply are set. */
export interface DataLocation {
  /** Byte offset into the (decompressed) file. */
  readonly byteOffset?: number;
  /** 1-based row (line) of a text table, counting the header line. */
  readonly row?: number;
  /** Column name (or index, as text) of a table. */
  readonly column?: string;
  /** 0-based entry (item, image, label, sample) index. */
  readonly entry?: number;
}

/**
 * A data file or folder does not have the format its loader expects: wrong magic number, truncated data,
 * mismatched counts, labels out of range, an undecodable image, a ragged or non-numeric CSV row, an empty
 * folder, a checksum that does not match. Names the file, where (byte offset, row, entry) and what was
 * expected and found.
 */
export class DatasetFormatError extends DeepcourseError {
  override name = 'DatasetFormatError';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly found: string,
    readonly location: DataLocation = {},
  ) {
    super(`${file}${formatLocation(location)}: expected ${expected}, found ${found}`);
  }
}

/** A data file, folder or URL does not exist or cannot be fetched. Says where it looked and how to get it. */
export class DatasetNotFoundError extends DeepcourseError {
  override name = 'DatasetNotFoundError';
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly hint?: string,
  ) {
    super(`${file}: ${reason}${hint === undefined ? '' : `. ${hint}`}`);
  }
}

function formatLocation(location: DataLocation): string {
  const parts: string[] = [];
  if (location.byteOffset !== undefined) parts.push(`byte offset ${location.byteOffset}`);
  if (location.row !== undefined) parts.push(`row ${location.row}`);
  if (location.column !== undefined) parts.push(`column ${JSON.stringify(location.column)}`);
  if (location.entry !== undefined) parts.push(`entry ${location.entry}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
