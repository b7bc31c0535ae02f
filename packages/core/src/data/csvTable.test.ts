import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from './csvTable.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mlgym-csv-table-')), 'data.csv');
  writeFileSync(path, text);
  return path;
}

describe('readCsv', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks inside, after a BOM', () => {
    const table = readCsv(file('\uFEFFtext,"n, quoted"\r\n"two\nlines",1\n"say ""hi""",2.5\n\n"",x\n'));
    expect(table.header).toEqual(['text', 'n, quoted']);
    expect(table.rows).toEqual([
      ['two\nlines', 1],
      ['say "hi"', 2.5],
      ['', 'x'],
    ]);
  });

  it('takes another delimiter', () => {
    expect(readCsv(file('a;b\n"1;2";3\n'), ';').rows).toEqual([['1;2', 3]]);
  });

  it('names file, line and field of a row of the wrong length, and of a stray quote', () => {
    const short = file('a,b\n1,2\n"x\ny",2\n3\n');
    expect(() => readCsv(short)).toThrow(
      new RegExp(
        `^${short.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: not valid CSV: Invalid Record Length: expect 2, got 1 on line 5`,
      ),
    );
    expect(() => readCsv(file('a,b\n1,2x"3\n'))).toThrow(/:2:2: not valid CSV \(field 2\): Invalid Opening Quote/);
    expect(() => readCsv(file('a,b\n1,"2\n'))).toThrow(/not valid CSV.*Quote Not Closed/);
  });
});
