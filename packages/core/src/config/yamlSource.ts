import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import { MlgymError } from '@mlgym/protocol';
import type { ErrorCode, MlgymIssue } from '@mlgym/protocol';
import { formatKeyPath } from '../util/describeValue.js';

/** Guard against alias bombs ("billion laughs") while allowing the anchor-heavy configs users write. */
const MAX_ALIAS_COUNT = 10_000;

export interface Position {
  line: number;
  column: number;
}

/**
 * A parsed YAML file that remembers where every key came from, so errors found later (schema,
 * sweeps, registry) can point at `file:line:column`.
 */
export class YamlSource {
  readonly data: unknown;

  private constructor(
    readonly file: string,
    readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {
    this.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  }

  /** Parses YAML text (YAML 1.2 core schema plus `<<` merge keys and anchors). */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, merge: true, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      throw new MlgymError({
        code: 'CONFIG_PARSE_ERROR',
        issues: doc.errors.map((e) => ({
          code: 'CONFIG_PARSE_ERROR' as const,
          file,
          line: lines.linePos(e.pos[0]).line,
          column: lines.linePos(e.pos[0]).col,
          problem: `invalid YAML: ${e.message.split('\n')[0]}`,
          hint: 'Fix the YAML syntax at this position',
        })),
      });
    }
    try {
      return new YamlSource(file, text, doc, lines);
    } catch (cause) {
      throw MlgymError.fromIssue(
        { code: 'CONFIG_PARSE_ERROR', file, problem: `YAML could not be resolved: ${(cause as Error).message}` },
        cause,
      );
    }
  }

  /** Reads and parses a file; a missing file is a CONFIG_FILE_NOT_FOUND naming who referred to it. */
  static load(path: string, referredFrom?: string): YamlSource {
    const abs = resolve(path);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (cause) {
      throw MlgymError.fromIssue(
        {
          code: 'CONFIG_FILE_NOT_FOUND',
          file: abs,
          problem: `cannot read the config file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
          hint: referredFrom ? `It is referred to by ${referredFrom}` : 'Check the path',
        },
        cause,
      );
    }
    return YamlSource.parse(text, abs);
  }

  /**
   * Position of the node at `path` (keys and sequence indices). Where the path leaves the file
   * (e.g. inside an expanded sweep), the position of the deepest key that exists is returned.
   */
  locate(path: readonly PropertyKey[]): Position | undefined {
    let node: unknown = this.doc.contents;
    let best: YamlNode | undefined = node as YamlNode | undefined;
    for (const seg of path) {
      const target = this.deref(node);
      if (isMap(target)) {
        const pair = this.findPair(target.items as Pair[], seg);
        if (!pair) break;
        best = (pair.key as YamlNode | undefined) ?? best;
        node = pair.value;
        // Scalars point at their value; mappings and lists at the key that opens them.
        if (node && (isScalar(node) || isAlias(node))) best = node as YamlNode;
      } else if (isSeq(target) && typeof seg === 'number') {
        const item = target.items[seg];
        if (!item) break;
        node = item;
        best = item as YamlNode;
      } else {
        break;
      }
    }
    const offset = best?.range?.[0];
    if (offset === undefined) return undefined;
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  /** An issue located at `path` in this file. */
  issue(code: ErrorCode, path: readonly PropertyKey[], fields: Omit<MlgymIssue, 'code' | 'file'>): MlgymIssue {
    const pos = this.locate(path);
    return { code, file: this.file, line: pos?.line, column: pos?.column, keyPath: formatKeyPath(path), ...fields };
  }

  private deref(node: unknown): unknown {
    let current = node;
    for (let i = 0; i < 64 && isAlias(current); i++) current = current.resolve(this.doc);
    return current;
  }

  private findPair(items: Pair[], seg: PropertyKey): Pair | undefined {
    for (const item of items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(seg)) return item;
    }
    // Keys brought in through `<<: *anchor` live in the merged mapping(s).
    for (const item of items) {
      if (!isPair(item) || !isScalar(item.key) || item.key.value !== '<<') continue;
      const sources = isSeq(item.value) ? item.value.items : [item.value];
      for (const source of sources) {
        const merged = this.deref(source);
        if (isMap(merged)) {
          const found = this.findPair(merged.items as Pair[], seg);
          if (found) return found;
        }
      }
    }
    return undefined;
  }
}
