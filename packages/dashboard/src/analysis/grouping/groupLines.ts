import { aggregatePoints, bandEdges } from './aggregatePoints';
import type { AggregatedPoints, BandKind, PointColumns } from './aggregatePoints';
import type { ExperimentGroup } from './groupExperiments';

/** Columns a line is drawn from (the same shape as the store's points). */
export interface LineColumns {
  epochs: number[];
  values: Array<number | null>;
}

/** One group on one chart: its mean line, its band's edges, and the aggregate they come from. */
export interface GroupLine {
  /** The group's id (its smallest member). */
  id: number;
  label: string;
  /** Members with points in this series. */
  n: number;
  mean: LineColumns;
  /** The band's edges (null: no band). */
  lower: LineColumns | null;
  upper: LineColumns | null;
  aggregate: AggregatedPoints;
}

interface Entry {
  refs: Array<PointColumns | undefined>;
  band: BandKind;
  label: string;
  line: GroupLine | null;
}

/**
 * The group lines of one chart, recomputed only for the groups whose members' points changed: the
 * store gives new point arrays only to the experiments a data post touched, so a live run's post
 * aggregates the groups of those experiments again, not all of them.
 */
export function createGroupLines() {
  let cache = new Map<string, Entry>();
  return function groupLines(
    byExperiment: Readonly<Record<number, PointColumns | undefined>>,
    groups: readonly ExperimentGroup[],
    band: BandKind,
  ): GroupLine[] {
    const next = new Map<string, Entry>();
    const out: GroupLine[] = [];
    for (const g of groups) {
      const refs = g.members.map((id) => byExperiment[id]);
      const old = cache.get(g.key);
      let entry: Entry;
      if (
        old &&
        old.band === band &&
        old.label === g.label &&
        old.refs.length === refs.length &&
        old.refs.every((r, i) => r === refs[i]) &&
        (old.line === null || old.line.id === g.id)
      )
        entry = old;
      else entry = { refs, band, label: g.label, line: buildLine(g, refs, band) };
      next.set(g.key, entry);
      if (entry.line) out.push(entry.line);
    }
    cache = next;
    return out;
  };
}

function buildLine(g: ExperimentGroup, refs: Array<PointColumns | undefined>, band: BandKind): GroupLine | null {
  const present = refs.filter((r): r is PointColumns => r !== undefined);
  if (present.length === 0) return null;
  const aggregate = aggregatePoints(present);
  const edges = bandEdges(aggregate, band);
  return {
    id: g.id,
    label: g.label,
    n: present.length,
    mean: { epochs: aggregate.epochs, values: aggregate.mean },
    lower: edges && { epochs: aggregate.epochs, values: edges.lower },
    upper: edges && { epochs: aggregate.epochs, values: edges.upper },
    aggregate,
  };
}

/** A group's best mean on a chart: the highest (metrics) or lowest (losses) over its epochs. */
export interface GroupBest {
  groupId: number;
  epoch: number;
  value: number;
  /** Index of the epoch in the group's aggregate. */
  index: number;
}

/** The best mean any of `lines` reaches (the star of a grouped chart). */
export function bestGroupMean(lines: readonly GroupLine[], kind: 'metric' | 'loss'): GroupBest | null {
  let best: GroupBest | null = null;
  for (const line of lines) {
    const { epochs, values } = line.mean;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (!best || (kind === 'loss' ? v < best.value : v > best.value))
        best = { groupId: line.id, epoch: epochs[i] as number, value: v, index: i };
    }
  }
  return best;
}
