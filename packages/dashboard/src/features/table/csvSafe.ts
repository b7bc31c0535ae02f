/**
 * A text a spreadsheet would read as a formula (or as the start of one) when it opens a CSV: `=`, `+`,
 * `-`, `@`, tab and carriage return, as OWASP lists them, and their full-width forms, which some
 * spreadsheets fold to the ASCII ones. Leading blanks and invisible format characters (bidi controls,
 * zero-width spaces) do not hide a trigger behind them.
 */
const TRIGGER = /^[\s\p{Cf}]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/u;
/** A plain decimal number (`-0.5`, `+3`, `1e-4`) is data, not a formula: it stays a number. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * One CSV cell or header made inert: a text a spreadsheet would evaluate is prefixed with `'`, which
 * spreadsheets show as text and do not evaluate (OWASP's advice against CSV injection). The grid
 * quotes every cell and doubles its quotes, so a cell cannot start a new one.
 */
export function csvSafe(text: string): string {
  return TRIGGER.test(text) && !NUMBER.test(text) ? `'${text}` : text;
}
