import { readFileSync } from 'node:fs';
import { MlgymError } from '@mlgym/protocol';

export interface CsvTable {
  header: string[];
  rows: Array<Array<number | string>>;
}

/** Splits one CSV line (RFC 4180 quoting). */
function splitLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out;
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
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitLine(lines[0] ?? '', delimiter).map((h) => h.trim());
  const rows = lines.slice(1).map((line, i) => {
    const cells = splitLine(line, delimiter);
    if (cells.length !== header.length) {
      throw MlgymError.fromIssue({
        code: 'DATA_INVALID',
        file: path,
        line: i + 2,
        problem: `row has ${cells.length} cells`,
        expected: `${header.length} (as the header)`,
      });
    }
    return cells.map((c) => {
      const t = c.trim();
      return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
    });
  });
  return { header, rows };
}
