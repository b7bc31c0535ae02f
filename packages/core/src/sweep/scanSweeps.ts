import type { MlgymIssue } from '@mlgym/protocol';
import type { YamlSource } from '../config/yamlSource.js';
import { zodToIssues } from '../config/zodIssues.js';
import { describeValue, formatKeyPath, isPlainObject } from '../util/describeValue.js';
import { didYouMean } from '../util/nearest.js';
import { SWEEP_KINDS, SWEEP_SCHEMAS, isSweepNode, sweepValues } from './sweepSpec.js';
import type { SweepKind } from './sweepSpec.js';

/** A sweep found in a config: where it sits (as a path in the expanded configs) and its kind. */
export interface SweepSite {
  path: PropertyKey[];
  kind: SweepKind;
}

export interface SweepScan {
  issues: MlgymIssue[];
  sites: SweepSite[];
}

/**
 * Checks every sweep node of a raw config (kind known, fields valid, at least one value) and lists
 * where the sweeps are, so each expanded experiment can show the values it got.
 */
export function scanSweeps(raw: unknown, source?: YamlSource, basePath: readonly PropertyKey[] = []): SweepScan {
  const scan: SweepScan = { issues: [], sites: [] };
  new SweepWalker(scan, source, basePath).walk(raw, [], []);
  return scan;
}

/** Walks a raw config; `filePath` is where a node sits in the file, `configPath` where it lands after expansion. */
class SweepWalker {
  constructor(
    private readonly scan: SweepScan,
    private readonly source: YamlSource | undefined,
    private readonly basePath: readonly PropertyKey[],
  ) {}

  walk(node: unknown, filePath: PropertyKey[], configPath: PropertyKey[]): void {
    const { scan, source, basePath } = this;
    const issue = (path: PropertyKey[], fields: Omit<MlgymIssue, 'code' | 'file'>): MlgymIssue =>
      source
        ? source.issue('SWEEP_INVALID', [...basePath, ...path], fields)
        : { code: 'SWEEP_INVALID', keyPath: formatKeyPath([...basePath, ...path]), ...fields };

    if (isSweepNode(node)) {
      const kind = node.sweep;
      if (typeof kind !== 'string' || !(SWEEP_KINDS as readonly string[]).includes(kind)) {
        scan.issues.push(
          issue([...filePath, 'sweep'], {
            problem: 'unknown sweep kind',
            found: describeValue(kind),
            expected: `one of ${SWEEP_KINDS.join(', ')}`,
            hint: didYouMean(String(kind), SWEEP_KINDS),
          }),
        );
        return;
      }
      const schema = SWEEP_SCHEMAS[kind as SweepKind];
      const parsed = schema.safeParse(node);
      if (!parsed.success) {
        for (const i of zodToIssues(parsed.error, schema, node, {
          source,
          basePath: [...basePath, ...filePath],
          code: 'SWEEP_INVALID',
        })) {
          scan.issues.push(i);
        }
        return;
      }
      if (kind !== 'random' && kind !== 'absolute' && sweepValues(node).length === 0) {
        scan.issues.push(
          issue(filePath, { problem: 'this sweep yields no values', hint: 'Check start, stop and step' }),
        );
        return;
      }
      scan.sites.push({ path: configPath, kind: kind as SweepKind });
      if (kind === 'absolute') {
        (node['values'] as unknown[]).forEach((value, i) => {
          // A mapping among the values is expanded in place, so its inner sweeps sit under this path.
          if (isPlainObject(value)) this.walkChildren(value, [...filePath, 'values', i], configPath);
        });
      }
      return;
    }
    if (isPlainObject(node)) this.walkChildren(node, filePath, configPath);
    // Sweeps inside lists are not expanded (as in the original), so they are not looked at either.
  }

  private walkChildren(node: Record<string, unknown>, filePath: PropertyKey[], configPath: PropertyKey[]): void {
    for (const [key, child] of Object.entries(node)) this.walk(child, [...filePath, key], [...configPath, key]);
  }
}
