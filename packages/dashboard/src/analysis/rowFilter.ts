/** One per-column filter of the table (it also filters the chart lines). */
export type ColumnFilter =
  | { column: string; kind: 'text'; pattern: string }
  | { column: string; kind: 'set'; values: string[] }
  | { column: string; kind: 'range'; min: number | null; max: number | null };

export interface RowFilterSpec {
  /** Regular expression matched (case-insensitive) against every visible column. */
  quick: string;
  columns: ColumnFilter[];
}

export type GridRow = Record<string, unknown> & { experiment_id: number };

/** A row value as the table shows it and as text filters see it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Compiles a user's pattern; the error text is shown under the field. */
export function compilePattern(pattern: string): { regex: RegExp | null; error: string | null } {
  if (pattern.trim() === '') return { regex: null, error: null };
  try {
    return { regex: new RegExp(pattern, 'i'), error: null };
  } catch (e) {
    return {
      regex: null,
      error: `Invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
    };
  }
}

function columnPredicate(filter: ColumnFilter): ((row: GridRow) => boolean) | null {
  switch (filter.kind) {
    case 'text': {
      const { regex } = compilePattern(filter.pattern);
      return regex ? (row) => regex.test(cellText(row[filter.column])) : null;
    }
    case 'set': {
      const allowed = new Set(filter.values);
      return (row) => allowed.has(cellText(row[filter.column]));
    }
    case 'range': {
      if (filter.min === null && filter.max === null) return null;
      const { min, max } = filter;
      return (row) => {
        const v = row[filter.column];
        return typeof v === 'number' && (min === null || v >= min) && (max === null || v <= max);
      };
    }
  }
}

/**
 * Builds the row predicate of a filter spec, or null when nothing filters. Invalid patterns filter
 * nothing (their error is shown instead). `columns` limits the quick filter to the shown columns.
 */
export function rowPredicate(spec: RowFilterSpec, columns: readonly string[]): ((row: GridRow) => boolean) | null {
  const tests = spec.columns.map(columnPredicate).filter((t): t is (row: GridRow) => boolean => t !== null);
  const { regex } = compilePattern(spec.quick);
  if (regex) tests.push((row) => columns.some((c) => regex.test(cellText(row[c]))));
  if (tests.length === 0) return null;
  return (row) => tests.every((t) => t(row));
}
