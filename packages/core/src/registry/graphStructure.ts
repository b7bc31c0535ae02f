import type { ComponentEntry, MlgymIssue } from '@mlgym/protocol';
import { didYouMean } from '../util/nearest.js';
import type { ComponentDefinition } from './componentRegistry.js';

export type At = (path: PropertyKey[], fields: Omit<MlgymIssue, 'file'>) => MlgymIssue;
export type Entries = ReadonlyMap<string, { entry: ComponentEntry; definition?: ComponentDefinition }>;

/** What the graph's shape gives: issues of requirements, cycles and missing components, and the components built. */
export interface Structure {
  issues: MlgymIssue[];
  /** The requested components and what they require, in config order. */
  closure: string[];
  /** Per component of the closure, the requirements its definition reads but its entry lacks. */
  missing: Map<string, MlgymIssue[]>;
}

export function checkStructure(
  config: Record<string, unknown>,
  entries: Entries,
  requested: readonly string[],
  at: At,
): Structure {
  const issues: MlgymIssue[] = [];
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

  const members = closure(requested, entries);
  const missing = new Map<string, MlgymIssue[]>();
  for (const name of members) {
    const { entry, definition } = entries.get(name) as { entry: ComponentEntry; definition?: ComponentDefinition };
    if (!definition) continue;
    const present = new Set((entry.requirements ?? []).map((r) => r.name));
    const lacking: MlgymIssue[] = [];
    for (const spec of definition.requirements ?? []) {
      if (!spec.optional && !present.has(spec.name)) {
        lacking.push(
          at([name], {
            code: 'MISSING_REQUIREMENT',
            problem: `${entry.component_type_key}/${entry.variant_key} reads a requirement named "${spec.name}"${spec.description ? ` (${spec.description})` : ''}, which is missing`,
            hint: `Add "- name: ${spec.name}" with the component_name that provides it under requirements`,
          }),
        );
      }
    }
    if (lacking.length) missing.set(name, lacking);
  }
  return { issues, closure: members, missing };
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
