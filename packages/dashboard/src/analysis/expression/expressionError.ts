/** What is wrong with a filter expression, and where (offsets into its text, `end` exclusive). */
export interface ExpressionProblem {
  start: number;
  end: number;
  problem: string;
  found?: string | undefined;
  expected?: string | undefined;
  /** How to fix it ("Did you mean …?"), when there is more to say than `expected`. */
  hint?: string | undefined;
}

/**
 * A problem as one line in the style of mlgym's config errors (`file:line:col: key: problem (found X;
 * expected Y). hint`): `column 12: unknown key "optimizer.lrr" (expected …). Did you mean "optimizer.lr"?`
 */
export function formatProblem(p: ExpressionProblem): string {
  const detail: string[] = [];
  if (p.found !== undefined) detail.push(`found ${p.found}`);
  if (p.expected !== undefined) detail.push(`expected ${p.expected}`);
  let text = `column ${p.start + 1}: ${p.problem}`;
  if (detail.length) text += ` (${detail.join('; ')})`;
  if (p.hint) text += `. ${p.hint}`;
  return text;
}

/** Thrown inside the tokenizer, parser and binder; compileExpression returns it as a value. */
export class ExpressionError extends Error {
  readonly detail: ExpressionProblem;
  constructor(detail: ExpressionProblem) {
    super(formatProblem(detail));
    this.name = 'ExpressionError';
    this.detail = detail;
  }
}
