import type { ComponentEntry, MlgymIssue } from '@mlgym/protocol';
import type { ComponentDefinition } from './componentRegistry.js';
import type { Entries, Structure } from './graphStructure.js';

/** What was found for one component's entry (its type, variant and requirements) and for its config. */

export interface EntryResult {
  issues: MlgymIssue[];
  entry?: ComponentEntry;
  definition?: ComponentDefinition;
}

export interface NodeResult {
  issues: MlgymIssue[];
  config: unknown;
}

/** Per component name, what its entry and its config gave (see ComponentGraphOptions.memo). */
export class GraphMemo {
  readonly entries = new Map<string, WeakMap<object, EntryResult>>();
  readonly nodes = new Map<string, WeakMap<object, NodeResult>>();
  readonly structures = new Map<string, Structure>();
  readonly signatures = new Map<string, number>();
  readonly signatureIds = new WeakMap<object, number>();
}

export function remembered<R>(
  table: Map<string, WeakMap<object, R>> | undefined,
  name: string,
  key: object,
  make: () => R,
): R {
  if (!table) return make();
  let byKey = table.get(name);
  if (!byKey) table.set(name, (byKey = new WeakMap()));
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = make()));
  return result;
}

/**
 * The structure of configs whose entries agree in everything but their configs (one grid's) is
 * checked once: keyed by each top-level name and its entry's type, variant and requirements.
 */
export function rememberedStructure(
  memo: GraphMemo,
  { config, entries, requested }: { config: Record<string, unknown>; entries: Entries; requested: readonly string[] },
  check: () => Structure,
): Structure {
  let key = requested.join('\u0001');
  for (const name of Object.keys(config)) {
    const e = entries.get(name);
    key += `\u0002${name}\u0001${e ? signatureOf(memo, e.entry) : '-'}`;
  }
  let found = memo.structures.get(key);
  if (!found) memo.structures.set(key, (found = check()));
  return found;
}

function signatureOf(memo: GraphMemo, entry: ComponentEntry): number {
  let id = memo.signatureIds.get(entry);
  if (id === undefined) {
    const text = JSON.stringify([entry.component_type_key, entry.variant_key, entry.requirements ?? []]);
    let known = memo.signatures.get(text);
    if (known === undefined) memo.signatures.set(text, (known = memo.signatures.size));
    memo.signatureIds.set(entry, (id = known));
  }
  return id;
}
