import { ComponentEntrySchema, MlgymError } from '@mlgym/protocol';
import type { ComponentEntry, MlgymIssue } from '@mlgym/protocol';
import type { YamlSource } from '../config/yamlSource.js';
import { zodToIssues } from '../config/zodIssues.js';
import { describeValue, formatKeyPath, isPlainObject } from '../util/describeValue.js';
import type { ComponentDefinition, ComponentRegistry } from './componentRegistry.js';
import { inject, unknownInjectable } from './injector.js';
import { remembered, rememberedStructure } from './graphMemo.js';
import type { EntryResult, GraphMemo, NodeResult } from './graphMemo.js';
import { checkStructure } from './graphStructure.js';

export { GraphMemo } from './graphMemo.js';

/** One validated component of an experiment. */
export interface ComponentNode {
  name: string;
  entry: ComponentEntry;
  definition: ComponentDefinition;
  /** Config after injection and schema validation (defaults applied). */
  config: unknown;
}

export interface ComponentGraphOptions {
  /** The gs config file, to point errors at lines. */
  source?: YamlSource | undefined;
  /** Components that will be built; their dependency closure is checked in depth. Default: all. */
  requested?: readonly string[] | undefined;
  /** Injectables beyond the registry's own (e.g. CV fold indices). */
  injectables?: ReadonlyMap<string, unknown> | undefined;
  /**
   * What was found for components checked before, by name and by the identity of their config
   * mapping: a planner checking the configs of one grid (which share every unswept component) checks
   * each component once. Only for configs that are never changed afterwards, with the same registry
   * and injectables.
   */
  memo?: GraphMemo | undefined;
}

/**
 * The validated component graph of one expanded experiment config. Every problem found is
 * collected and thrown together, each located in the gs config file.
 */
export class ComponentGraph {
  private constructor(
    readonly nodes: ReadonlyMap<string, ComponentNode>,
    readonly requested: readonly string[],
  ) {}

  static fromConfig(
    config: Record<string, unknown>,
    registry: ComponentRegistry,
    options: ComponentGraphOptions = {},
  ): ComponentGraph {
    const issues: MlgymIssue[] = [];
    const at = (path: PropertyKey[], fields: Omit<MlgymIssue, 'file'>): MlgymIssue =>
      options.source ? options.source.issue(fields.code, path, fields) : { keyPath: formatKeyPath(path), ...fields };

    const entries = new Map<string, { entry: ComponentEntry; definition?: ComponentDefinition }>();
    for (const [name, value] of Object.entries(config)) {
      if (!isPlainObject(value)) {
        issues.push(
          at([name], {
            code: 'CONFIG_INVALID',
            problem: 'every top-level key (besides global_config and model_info) must be a component',
            found: describeValue(value),
            expected: 'a mapping with component_type_key and variant_key',
          }),
        );
        continue;
      }
      const read = remembered(options.memo?.entries, name, value, (): EntryResult => {
        const parsed = ComponentEntrySchema.safeParse(value);
        if (!parsed.success)
          return {
            issues: zodToIssues(parsed.error, ComponentEntrySchema, value, {
              source: options.source,
              basePath: [name],
            }),
          };
        const entry = parsed.data;
        const found = registry.lookup(entry.component_type_key, entry.variant_key);
        if ('issue' in found)
          return {
            issues: [at([name, found.at === 'type' ? 'component_type_key' : 'variant_key'], found.issue)],
            entry,
          };
        return { issues: [], entry, definition: found.definition };
      });
      issues.push(...read.issues);
      if (read.entry)
        entries.set(name, { entry: read.entry, ...(read.definition ? { definition: read.definition } : {}) });
    }

    const requested = options.requested ?? [...entries.keys()];
    const structure = options.memo
      ? rememberedStructure(options.memo, { config, entries, requested }, () =>
          checkStructure(config, entries, requested, at),
        )
      : checkStructure(config, entries, requested, at);
    issues.push(...structure.issues);

    const nodes = new Map<string, ComponentNode>();
    const mapping = new Map([...registry.injectableMap(), ...(options.injectables ?? [])]);
    for (const name of structure.closure) {
      const { entry, definition } = entries.get(name) as { entry: ComponentEntry; definition?: ComponentDefinition };
      if (!definition) continue;
      issues.push(...(structure.missing.get(name) ?? []));
      const node = remembered(options.memo?.nodes, name, config[name] as object, (): NodeResult => {
        const found: MlgymIssue[] = [];
        const injected = inject(entry.config ?? {}, mapping);
        for (const u of injected.unresolved) {
          found.push(at([name, 'config', ...u.path], unknownInjectable(u.id, mapping.keys())));
        }
        let validated: unknown = injected.value;
        if (definition.configSchema && injected.unresolved.length === 0) {
          const result = definition.configSchema.safeParse(injected.value);
          if (result.success) validated = result.data;
          else
            found.push(
              ...zodToIssues(result.error, definition.configSchema, injected.value, {
                source: options.source,
                basePath: [name, 'config'],
              }),
            );
        }
        return { issues: found, config: validated };
      });
      issues.push(...node.issues);
      const validated = node.config;
      nodes.set(name, { name, entry, definition, config: validated });
    }

    if (issues.length > 0) {
      throw new MlgymError({ code: (issues[0] as MlgymIssue).code, issues: dedupe(issues) });
    }
    return new ComponentGraph(nodes, requested);
  }
}

function dedupe(issues: MlgymIssue[]): MlgymIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}|${i.keyPath}|${i.problem}|${i.found}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
