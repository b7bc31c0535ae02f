import { ExpressionError } from './expressionError';

/**
 * Tokens of MLboard's filter expressions (see parseExpression.ts for the grammar). Positions are
 * offsets into the text, `end` exclusive, so errors and completions can point at characters.
 */
export type Token =
  | { kind: 'word'; text: string; start: number; end: number }
  /** A name in backticks: never a keyword or a field, always a config key or a score. */
  | { kind: 'quotedName'; text: string; start: number; end: number }
  | { kind: 'string'; text: string; start: number; end: number }
  | { kind: 'number'; value: number; text: string; start: number; end: number }
  | { kind: 'op'; text: Operator; start: number; end: number }
  | { kind: 'punct'; text: '(' | ')' | '[' | ']' | ',' | ':'; start: number; end: number }
  | { kind: 'end'; start: number; end: number };

export type Operator = '<' | '<=' | '==' | '!=' | '>=' | '>' | '~' | '!~' | '&&' | '||' | '!';

/** Longest first: `<=` before `<`. `=` is read as `==` (MLflow writes one, Aim two). */
const OPERATORS: ReadonlyArray<[string, Operator]> = [
  ['<=', '<='],
  ['>=', '>='],
  ['==', '=='],
  ['!=', '!='],
  ['<>', '!='],
  ['!~', '!~'],
  ['&&', '&&'],
  ['||', '||'],
  ['<', '<'],
  ['>', '>'],
  ['=', '=='],
  ['~', '~'],
  ['!', '!'],
];

const PUNCTUATION = new Set(['(', ')', '[', ']', ',', ':']);

/** Letters (any script), `_` and `$` start a word; digits, `.`, `/` and `-` may follow (`val/F1_SCORE`, `optimizer.lr`). */
const WORD_START = /[\p{L}_$]/u;
const WORD_PART = /[\p{L}\p{N}_$./-]/u;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

export interface TokenizeOptions {
  /**
   * Completion reads half-typed text: an unterminated string or backtick name is taken up to the end
   * instead of being an error.
   */
  lenient?: boolean;
}

function quoted(text: string, start: number, lenient: boolean): { value: string; end: number } {
  const quote = text[start] as string;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) return { value, end: i + 1 };
    value += c;
    i++;
  }
  if (lenient) return { value, end: text.length };
  throw new ExpressionError({
    start,
    end: text.length,
    problem: quote === '`' ? 'unterminated name' : 'unterminated text',
    hint: `Close it with ${quote}`,
  });
}

export function tokenize(text: string, options: TokenizeOptions = {}): Token[] {
  const lenient = options.lenient ?? false;
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const { value, end } = quoted(text, i, lenient);
      tokens.push({ kind: c === '`' ? 'quotedName' : 'string', text: value, start: i, end });
      i = end;
      continue;
    }
    const number = /[\d.-]/.test(c) ? NUMBER.exec(text.slice(i, i + 64)) : null;
    // `-` starts a number only when a digit or a point follows (it is no operator of the language)
    if (number) {
      const end = i + number[0].length;
      if (end < text.length && WORD_START.test(text[end] as string)) {
        // `1e` or `2x`: neither a number nor a name
        let stop = end;
        while (stop < text.length && WORD_PART.test(text[stop] as string)) stop++;
        throw new ExpressionError({
          start: i,
          end: stop,
          problem: `"${text.slice(i, stop)}" is neither a number nor a name`,
          hint: "Quote text values, e.g. 'adam'",
        });
      }
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], start: i, end });
      i = end;
      continue;
    }
    if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < text.length && WORD_PART.test(text[end] as string)) end++;
      tokens.push({ kind: 'word', text: text.slice(i, end), start: i, end });
      i = end;
      continue;
    }
    if (PUNCTUATION.has(c)) {
      tokens.push({ kind: 'punct', text: c as '(' | ')' | '[' | ']' | ',' | ':', start: i, end: i + 1 });
      i++;
      continue;
    }
    const op = OPERATORS.find(([spelling]) => text.startsWith(spelling, i));
    if (op) {
      tokens.push({ kind: 'op', text: op[1], start: i, end: i + op[0].length });
      i += op[0].length;
      continue;
    }
    throw new ExpressionError({
      start: i,
      end: i + 1,
      problem: `unexpected character "${c}"`,
      expected: 'a name, a value, a comparison (< <= == != >= > ~), and, or, not, or parentheses',
    });
  }
  tokens.push({ kind: 'end', start: text.length, end: text.length });
  return tokens;
}
