import { readFileSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse/sync';
import { MlgymError } from '@mlgym/protocol';

export interface CsvTable {
  header: string[];
  rows: Array<Array<number | string>>;
}

/** Reads a CSV file with a header row; numeric cells become numbers, the rest stay strings. */
export function readCsv(path: string, delimiter = ','): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw MlgymError.fromIssue(
      {
        code: 'CONFIG_FILE_NOT_FOUND',
        file: path,
        problem: 'cannot read the CSV file',
        hint: 'Paths are relative to the gs config file',
      },
      cause,
    );
  }
  // csv-parse: quoted fields (delimiters, quotes and line breaks inside), a BOM, any one-character
  // delimiter, blank lines skipped; a row of another length than the header is an error.
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      bom: true,
      skip_empty_lines: true,
    });
  } catch (cause) {
    const where = cause instanceof CsvError ? cause : undefined;
    const column = where?.['column'];
    const lines = where?.['lines'];
    // A row of the wrong length has no one bad field; the others name the field they stopped in.
    const field =
      typeof column === 'number' && where?.code !== 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? column + 1 : undefined;
    throw MlgymError.fromIssue(
      {
        code: 'DATA_INVALID',
        file: path,
        line: typeof lines === 'number' ? lines : undefined,
        column: field,
        problem: `not valid CSV${field === undefined ? '' : ` (field ${field})`}: ${(cause as Error).message}`,
        expected: `fields separated by ${JSON.stringify(delimiter)}, quoted with "…" where they hold one, the same count in every row`,
      },
      cause,
    );
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const rows = records.slice(1).map((record) =>
    record.map((c) => {
      const t = c.trim();
      return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
    }),
  );
  return { header, rows };
}
