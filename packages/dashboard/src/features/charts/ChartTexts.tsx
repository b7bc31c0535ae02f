import { memo } from 'react';
import { Typography } from '@mui/material';
import { useAppSelector } from '../../store/hooks';
import { formatNumber } from '../../shared/cellFormat';
import { isolateBidi } from '../../shared/isolateBidi';
import { selectExperimentNamer } from '../../analysis/experiments/gridSearchSelectors';
import type { BandKind } from '../../analysis/grouping/aggregatePoints';
import type { ExperimentGroup } from '../../analysis/grouping/groupExperiments';
import { bestGroupMean } from '../../analysis/grouping/groupLines';
import { groupLinesOf } from '../../analysis/grouping/groupLinesOf';
import { useBest } from '../../analysis/lineChart/useBest';

interface TextProps {
  seriesKey: string;
  ids: readonly number[];
  /** The chart's groups (null: one line per experiment). */
  groups: readonly ExperimentGroup[] | null;
  band: BandKind;
}

/**
 * The screen reader's description of the lines: points and epochs per experiment (a summary for a
 * density), or per group its n and the mean ± std (population) and range at its last epoch.
 */
export const ChartDescription = memo(function ChartDescription(
  props: TextProps & {
    id: string;
    /** One sentence for all lines (a density: ten thousand sentences would say less). */
    summary?: boolean;
  },
) {
  const series = useAppSelector((s) => s.series.byKey[props.seriesKey]);
  const name = useAppSelector(selectExperimentNamer);
  let text: string;
  if (props.groups && series) {
    text = groupLinesOf(series, props.groups, props.band)
      .map((g) => {
        const a = g.aggregate;
        const last = a.epochs.length - 1;
        return `${g.label}: ${g.n} experiment${g.n === 1 ? '' : 's'}, epochs ${a.epochs[0]}–${a.epochs[last]}, at epoch ${a.epochs[last]} mean ${formatNumber(a.mean[last])} ± ${formatNumber(a.std[last])} (min ${formatNumber(a.min[last])}, max ${formatNumber(a.max[last])})`;
      })
      .join('; ');
  } else if (props.summary) {
    let points = 0;
    let missing = 0;
    let first = Infinity;
    let last = -Infinity;
    for (const id of props.ids) {
      const p = series?.byExperiment[id];
      if (!p || p.epochs.length === 0) continue;
      points += p.epochs.length;
      for (const v of p.values) if (v === null) missing++;
      first = Math.min(first, p.epochs[0] as number);
      last = Math.max(last, p.epochs[p.epochs.length - 1] as number);
    }
    const gaps = missing ? ` (${missing} not a number)` : '';
    text = `${props.ids.length} experiments drawn as their density with median and quantile bands: ${points} points${gaps}${points ? `, epochs ${first}–${last}` : ''}`;
  } else {
    text = props.ids
      .map((id) => {
        const p = series?.byExperiment[id];
        const n = p?.epochs.length ?? 0;
        let missing = 0;
        for (const v of p?.values ?? []) if (v === null) missing++;
        const gaps = missing ? ` (${missing} not a number)` : '';
        return `${name(id)}: ${n} point${n === 1 ? '' : 's'}${gaps}${n ? `, epochs ${p?.epochs[0]}–${p?.epochs[n - 1]}` : ''}`;
      })
      .join('; ');
  }
  return (
    // hidden: a description is read through aria-describedby all the same, and a page of charts
    // no longer lays out and shapes their text at every new point
    <div id={props.id} hidden>
      {isolateBidi(text)}
    </div>
  );
});

/** "★ Best (highest): experiment_7 = 0.9 at epoch 12", or a group's best mean. */
export const BestText = memo(function BestText(props: TextProps) {
  const series = useAppSelector((s) => s.series.byKey[props.seriesKey]);
  const name = useAppSelector(selectExperimentNamer);
  const best = useBest(series, props.ids);
  const direction = series?.kind === 'loss' ? 'lowest' : 'highest';
  let text = 'No values yet';
  if (props.groups && series) {
    const lines = groupLinesOf(series, props.groups, props.band);
    const b = bestGroupMean(lines, series.kind);
    const line = b && lines.find((l) => l.id === b.groupId);
    if (b && line)
      text = `★ Best mean (${direction}): ${isolateBidi(line.label)} = ${formatNumber(b.value)} ± ${formatNumber(line.aggregate.std[b.index])} at epoch ${b.epoch} (n = ${line.aggregate.n[b.index]})`;
  } else if (best)
    text = `★ Best (${direction}): ${name(best.experimentId)} = ${formatNumber(best.value)} at epoch ${best.epoch}`;
  return (
    <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }} data-testid="best">
      {text}
    </Typography>
  );
});
