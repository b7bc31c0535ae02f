import type { Series } from '../series/seriesSlice';
import type { BandKind } from './aggregatePoints';
import type { ExperimentGroup } from './groupExperiments';
import { createGroupLines } from './groupLines';
import type { GroupLine } from './groupLines';

/** One incremental aggregator per chart (series key): a live post re-aggregates only the groups it touched. */
const aggregators = new Map<string, ReturnType<typeof createGroupLines>>();
/** The lines of one (series snapshot, groups, band): the canvas, the legend and the best value ask alike. */
const memo = new WeakMap<Series, WeakMap<readonly ExperimentGroup[], Map<BandKind, GroupLine[]>>>();

/** The group lines of a series (see createGroupLines), computed once per store snapshot, groups and band. */
export function groupLinesOf(series: Series, groups: readonly ExperimentGroup[], band: BandKind): GroupLine[] {
  let byGroups = memo.get(series);
  if (!byGroups) memo.set(series, (byGroups = new WeakMap()));
  let byBand = byGroups.get(groups);
  if (!byBand) byGroups.set(groups, (byBand = new Map()));
  const hit = byBand.get(band);
  if (hit) return hit;
  let aggregate = aggregators.get(series.key);
  if (!aggregate) aggregators.set(series.key, (aggregate = createGroupLines()));
  const lines = aggregate(series.byExperiment, groups, band);
  byBand.set(band, lines);
  return lines;
}
