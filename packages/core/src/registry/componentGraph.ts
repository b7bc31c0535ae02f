import { ComponentEntrySchema, MlgymError } from '@mlgym/protocol';
import type { ComponentEntry, MlgymIssue } from '@mlgym/protocol';
import type { YamlSource } from '../config/yamlSource.js';
import { zodToIssues } from '../config/zodIssues.js';
import { describeValue, formatKeyPath, isPlainObject } from '../util/describeValue.js';
import { didYouMean } from '../util/nearest.js';
import type { ComponentDefinition, ComponentRegistry } from './componentRegistry.js';
import { inject, unknownInjectable } from './injector.js';

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
      const parsed = ComponentEntrySchema.safeParse(value);
      if (!parsed.success) {
        issues.push(
          ...zodToIssues(parsed.error, ComponentEntrySchema, value, { source: options.source, basePath: [name] }),
        );
        continue;
      }
      const entry = parsed.data;
      const found = registry.lookup(entry.component_type_key, entry.variant_key);
      if ('issue' in found) {
        issues.push(at([name, found.at === 'type' ? 'component_type_key' : 'variant_key'], found.issue));
        entries.set(name, { entry });
      } else {
        entries.set(name, { entry, definition: found.definition });
      }
    }

    const names = [...entries.keys()];
    for (const [name, { entry }] of entries) {
      const seen = new Set<string>();
      (entry.requirements ?? []).forEach((req, i) => {
        if (seen.has(req.name)) {
          issues.push(
            at([name, 'requirements', i, 'name'], {
              code: 'CONFIG_INVALID',
              problem: `requirement name "${req.name}" is used twice`,
              hint: 'Each requirement of a component needs its own name',
            }),
          );
        }
        seen.add(req.name);
        if (!entries.has(req.component_name) && !Object.hasOwn(config, req.component_name)) {
          issues.push(
            at([name, 'requirements', i, 'component_name'], {
              code: 'MISSING_COMPONENT',
              problem: `requires component "${req.component_name}", which is not defined in this config`,
              expected: `one of ${names.join(', ')}`,
              hint: didYouMean(req.component_name, names),
            }),
          );
        }
      });
    }

    const cycle = findCycle(entries);
    if (cycle) {
      issues.push(
        at([cycle[0] as string, 'requirements'], {
          code: 'COMPONENT_CYCLE',
          problem: `components require each other in a cycle: ${cycle.join(' -> ')}`,
          hint: 'Remove one of these requirements',
        }),
      );
    }

    const requested = options.requested ?? names;
    for (const name of requested) {
      if (!entries.has(name)) {
        issues.push(
          at([], {
            code: 'MISSING_COMPONENT',
            problem: `the experiment needs a component named "${name}"`,
            expected: `a top-level entry "${name}"`,
            hint: didYouMean(name, names),
          }),
        );
      }
    }

    const nodes = new Map<string, ComponentNode>();
    const mapping = new Map([...registry.injectableMap(), ...(options.injectables ?? [])]);
    for (const name of closure(requested, entries)) {
      const { entry, definition } = entries.get(name) as { entry: ComponentEntry; definition?: ComponentDefinition };
      if (!definition) continue;
      const present = new Set((entry.requirements ?? []).map((r) => r.name));
      for (const spec of definition.requirements ?? []) {
        if (!spec.optional && !present.has(spec.name)) {
          issues.push(
            at([name], {
              code: 'MISSING_REQUIREMENT',
              problem: `${entry.component_type_key}/${entry.variant_key} reads a requirement named "${spec.name}"${spec.description ? ` (${spec.description})` : ''}, which is missing`,
              hint: `Add "- name: ${spec.name}" with the component_name that provides it under requirements`,
            }),
          );
        }
      }
      const injected = inject(entry.config ?? {}, mapping);
      for (const u of injected.unresolved) {
        issues.push(at([name, 'config', ...u.path], unknownInjectable(u.id, mapping.keys())));
      }
      let validated: unknown = injected.value;
      if (definition.configSchema && injected.unresolved.length === 0) {
        const result = definition.configSchema.safeParse(injected.value);
        if (result.success) validated = result.data;
        else
          issues.push(
            ...zodToIssues(result.error, definition.configSchema, injected.value, {
              source: options.source,
              basePath: [name, 'config'],
            }),
          );
      }
      nodes.set(name, { name, entry, definition, config: validated });
    }

    if (issues.length > 0) {
      throw new MlgymError({ code: (issues[0] as MlgymIssue).code, issues: dedupe(issues) });
    }
    return new ComponentGraph(nodes, requested);
  }
}

type EntryMap = ReadonlyMap<string, { entry: ComponentEntry }>;

function closure(roots: readonly string[], entries: EntryMap): string[] {
  const seen = new Set<string>();
  const stack = roots.filter((r) => entries.has(r));
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const req of entries.get(name)?.entry.requirements ?? []) {
      if (entries.has(req.component_name)) stack.push(req.component_name);
    }
  }
  return [...entries.keys()].filter((n) => seen.has(n));
}

/** The first requirement cycle found, as a path that ends where it starts. */
function findCycle(entries: EntryMap): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'open') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'open');
    path.push(name);
    for (const req of entries.get(name)?.entry.requirements ?? []) {
      if (!entries.has(req.component_name)) continue;
      const found = visit(req.component_name);
      if (found) return found;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of entries.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
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
