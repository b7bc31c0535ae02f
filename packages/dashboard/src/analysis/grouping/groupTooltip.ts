import { isolateBidi } from '../../shared/isolateBidi';
import { formatNumber } from '../../shared/cellFormat';
import type { GroupLine } from './groupLines';

/**
 * The tooltip of a group's point: its epoch, the group and its n there, mean ± std (population),
 * min and max; the smoothed value drawn when smoothing moves the line.
 */
export function groupTooltipLines(line: GroupLine, index: number, drawn: number | null, star: boolean): string[] {
  const a = line.aggregate;
  const mean = a.mean[index] ?? null;
  const shown = [
    `Epoch: ${a.epochs[index]}`,
    `${star ? 'best mean: ' : ''}${isolateBidi(line.label)} (n = ${a.n[index]})`,
    `mean ${formatNumber(mean)} ± ${formatNumber(a.std[index])}`,
    `min ${formatNumber(a.min[index])} · max ${formatNumber(a.max[index])}`,
  ];
  if (drawn !== null && mean !== null && formatNumber(drawn) !== formatNumber(mean))
    shown.push(`smoothed ${formatNumber(drawn)}`);
  return shown;
}
