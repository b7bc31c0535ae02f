import { ExpressionError } from './expressionError';
import { tokenize } from './tokenize';
import type { Token } from './tokenize';

/**
 * MLboard's filter expressions: MLflow's search syntax (`key op value`, joined by `and`) with Aim's
 * `or`, `not` and parentheses, over dotted config keys as mlgym writes them:
 *
 *   expr       := or
 *   or         := and (("or" | "||") and)*
 *   and        := unary (("and" | "&&") unary)*
 *   unary      := ("not" | "!") unary | "(" expr ")" | "tag" ":" name | test
 *   test       := operand ( compare operand
 *                         | ["not"] "in" list
 *                         | "is" ["not"] "null" )
 *   compare    := "<" | "<=" | "==" | "=" | "!=" | ">=" | ">" | "~" | "!~"
 *   list       := ("(" | "[") operand ("," operand)* [","] (")" | "]")
 *   operand    := name | "`" any text "`" | function "(" name ")" | number | 'text' | "text"
 *               | true | false | null
 *
 * Keywords are case-insensitive (`AND` reads as `and`). Nothing here runs user text as code: the
 * page's CSP forbids eval, and the evaluator (compileExpression.ts) walks this tree.
 */
export type CompareOp = '<' | '<=' | '==' | '!=' | '>=' | '>' | '~' | '!~';

export interface Span {
  start: number;
  end: number;
}

export type Operand =
  /** A name as typed: resolved against the known keys by compileExpression. `quoted`: written in backticks. */
  | ({ kind: 'name'; text: string; quoted: boolean } & Span)
  | ({ kind: 'literal'; value: number | string | boolean | null; text: boolean } & Span)
  | ({ kind: 'call'; fn: string; fnSpan: Span; arg: Operand & { kind: 'name' } } & Span);

export type ExpressionNode =
  | ({ kind: 'and' | 'or'; left: ExpressionNode; right: ExpressionNode } & Span)
  | ({ kind: 'not'; operand: ExpressionNode } & Span)
  | ({ kind: 'compare'; op: CompareOp; opSpan: Span; left: Operand; right: Operand } & Span)
  | ({ kind: 'in'; negated: boolean; operand: Operand; values: Operand[] } & Span)
  | ({ kind: 'isNull'; negated: boolean; operand: Operand } & Span)
  | ({ kind: 'tag'; name: string; nameSpan: Span } & Span);

/** Longer text is refused before it is read (a URL may carry anything). */
export const MAX_EXPRESSION_LENGTH = 4_000;
/** Parentheses and `not`s nested deeper are refused (the parser recurses once per level). */
export const MAX_NESTING = 64;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'true', 'false']);
const COMPARE_OPS = new Set<string>(['<', '<=', '==', '!=', '>=', '>', '~', '!~']);

export const isKeyword = (word: string) => KEYWORDS.has(word.toLowerCase());

/** A token as an error message names it. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `'${t.text}'`;
    case 'quotedName':
      return `\`${t.text}\``;
    case 'number':
      return t.text;
    default:
      return `"${t.text}"`;
  }
}

class Parser {
  private at = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.at++;
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'word' && t.text.toLowerCase() === word;
  }

  private fail(t: Token, expected: string, hint?: string): never {
    throw new ExpressionError({
      start: t.start,
      end: Math.max(t.end, t.start + 1),
      problem: t.kind === 'end' ? 'the expression ends too early' : `unexpected ${describeToken(t)}`,
      expected,
      hint,
    });
  }

  private expectPunct(text: string, expected: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== text) this.fail(t, expected);
    return this.next();
  }

  parse(): ExpressionNode {
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'end') {
      const joined = t.kind === 'word' || t.kind === 'quotedName' || (t.kind === 'punct' && t.text === '(');
      this.fail(
        t,
        t.kind === 'punct' && t.text === ')' ? 'and, or, or the end (this ")" closes nothing)' : 'and, or, or the end',
        joined ? 'Join conditions with "and" or "or"' : undefined,
      );
    }
    return node;
  }

  private or(): ExpressionNode {
    let left = this.and();
    for (;;) {
      const t = this.peek();
      if (!this.isWord(t, 'or') && !(t.kind === 'op' && t.text === '||')) return left;
      this.next();
      const right = this.and();
      left = { kind: 'or', left, right, start: left.start, end: right.end };
    }
  }

  private and(): ExpressionNode {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!this.isWord(t, 'and') && !(t.kind === 'op' && t.text === '&&')) return left;
      this.next();
      const right = this.unary();
      left = { kind: 'and', left, right, start: left.start, end: right.end };
    }
  }

  private nested<T>(t: Token, read: () => T): T {
    if (++this.depth > MAX_NESTING)
      throw new ExpressionError({
        start: t.start,
        end: t.end,
        problem: `nested more than ${MAX_NESTING} levels deep`,
      });
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  private unary(): ExpressionNode {
    const t = this.peek();
    if (this.isWord(t, 'not') || (t.kind === 'op' && t.text === '!')) {
      this.next();
      const operand = this.nested(t, () => this.unary());
      return { kind: 'not', operand, start: t.start, end: operand.end };
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.next();
      const inner = this.nested(t, () => this.or());
      const close = this.peek();
      if (close.kind !== 'punct' || close.text !== ')')
        this.fail(close, `")" to close the "(" at column ${t.start + 1}`);
      this.next();
      return { ...inner, start: t.start, end: close.end };
    }
    const colon = this.peek(1);
    if (this.isWord(t, 'tag') && colon.kind === 'punct' && colon.text === ':') {
      this.next();
      this.next();
      const name = this.next();
      if (name.kind !== 'word' && name.kind !== 'string' && name.kind !== 'quotedName' && name.kind !== 'number')
        this.fail(name, "a tag's name after tag:, e.g. tag:best");
      return {
        kind: 'tag',
        name: name.text,
        nameSpan: { start: name.start, end: name.end },
        start: t.start,
        end: name.end,
      };
    }
    return this.test();
  }

  private test(): ExpressionNode {
    const left = this.operand('a name (a config key, a score, status, id, epoch, tag) or a value');
    const t = this.peek();
    if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
      this.next();
      const right = this.operand(`a value to compare with after "${t.text}"`);
      return {
        kind: 'compare',
        op: t.text as CompareOp,
        opSpan: { start: t.start, end: t.end },
        left,
        right,
        start: left.start,
        end: right.end,
      };
    }
    if (this.isWord(t, 'in') || (this.isWord(t, 'not') && this.isWord(this.peek(1), 'in'))) {
      const negated = this.isWord(t, 'not');
      this.next();
      if (negated) this.next();
      const open = this.peek();
      if (open.kind !== 'punct' || (open.text !== '(' && open.text !== '['))
        this.fail(open, 'a list of values after "in", e.g. (0.1, 0.01) or [adam, sgd]');
      this.next();
      const closing = open.text === '(' ? ')' : ']';
      const values: Operand[] = [this.operand('a value in the list')];
      for (;;) {
        const sep = this.peek();
        if (sep.kind === 'punct' && sep.text === ',') {
          this.next();
          const after = this.peek();
          if (after.kind === 'punct' && after.text === closing) break;
          values.push(this.operand('a value in the list'));
          continue;
        }
        break;
      }
      const close = this.expectPunct(
        closing,
        `"," or "${closing}" to close the list opened at column ${open.start + 1}`,
      );
      return { kind: 'in', negated, operand: left, values, start: left.start, end: close.end };
    }
    if (this.isWord(t, 'is')) {
      this.next();
      let negated = false;
      if (this.isWord(this.peek(), 'not')) {
        this.next();
        negated = true;
      }
      const n = this.peek();
      if (!this.isWord(n, 'null')) this.fail(n, `null after "is${negated ? ' not' : ''}"`);
      this.next();
      return { kind: 'isNull', negated, operand: left, start: left.start, end: n.end };
    }
    if (left.kind === 'literal')
      this.fail(t, `a comparison after ${left.text ? `'${String(left.value)}'` : String(left.value)}`);
    return this.fail(
      t,
      `a comparison after "${left.kind === 'call' ? `${left.fn}(…)` : left.text}": < <= == != >= > ~ !~, in (…), or is null`,
      t.kind === 'word' && !isKeyword(t.text) && left.kind === 'name' && !left.quoted
        ? 'A name with spaces goes in backticks, e.g. `my key`'
        : undefined,
    );
  }

  private operand(expected: string): Operand {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return { kind: 'literal', value: t.value, text: false, start: t.start, end: t.end };
      case 'string':
        this.next();
        return { kind: 'literal', value: t.text, text: true, start: t.start, end: t.end };
      case 'quotedName':
        this.next();
        return { kind: 'name', text: t.text, quoted: true, start: t.start, end: t.end };
      case 'word': {
        const lower = t.text.toLowerCase();
        if (lower === 'true' || lower === 'false' || lower === 'null') {
          this.next();
          return { kind: 'literal', value: lower === 'null' ? null : lower === 'true', text: false, ...span(t) };
        }
        if (isKeyword(t.text)) this.fail(t, expected);
        this.next();
        const open = this.peek();
        if (open.kind === 'punct' && open.text === '(' && open.start === t.end) {
          this.next();
          const arg = this.operand('a score inside the parentheses, e.g. best(val/accuracy)');
          if (arg.kind !== 'name')
            throw new ExpressionError({ ...span(arg), problem: `${t.text}(…) takes a score`, expected: 'a score' });
          const close = this.expectPunct(')', `")" to close ${t.text}(`);
          return { kind: 'call', fn: t.text, fnSpan: span(t), arg, start: t.start, end: close.end };
        }
        return { kind: 'name', text: t.text, quoted: false, start: t.start, end: t.end };
      }
      default:
        return this.fail(t, expected);
    }
  }
}

const span = (t: Span): Span => ({ start: t.start, end: t.end });

/** The tree of an expression, or an ExpressionError naming the column. Empty text has no tree (null). */
export function parseExpression(text: string): ExpressionNode | null {
  if (text.length > MAX_EXPRESSION_LENGTH)
    throw new ExpressionError({
      start: MAX_EXPRESSION_LENGTH,
      end: text.length,
      problem: `the expression is longer than ${MAX_EXPRESSION_LENGTH.toLocaleString('en-US')} characters`,
    });
  if (text.trim() === '') return null;
  return new Parser(tokenize(text)).parse();
}
