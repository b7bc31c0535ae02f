import { isolateBidi } from '../../shared/isolateBidi';
import { useMemo, useState } from 'react';
import {
  Alert,
  Box,
  FormControl,
  InputLabel,
  MenuItem,
  Paper,
  Select,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import { useAppSelector } from '../../store/hooks';
import { selectHyperParameters } from '../../analysis/experiments/experimentSelectors';
import type { Stat } from './cvReport';
import { isFoldPath } from '../../analysis/experiments/foldPaths';
import { cvReport, foldInfo } from './cvReport';

const num = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(4));
const stat = (s: Stat | undefined) => (s ? `${num(s.mean)} (± ${num(s.std)})` : '—');

/** `/cv-report`: the outer-fold report of a nested-CV run, or the per-configuration report of a CV run. */
export function CvReportPage() {
  const configs = useAppSelector((s) => s.experiments.configs);
  const series = useAppSelector((s) => s.series);
  const hyper = useAppSelector(selectHyperParameters);
  const [split, setSplit] = useState<string>('');
  const [metric, setMetric] = useState<string>('');
  const report = useMemo(
    () => cvReport(configs, series.byKey, { ...(split ? { split } : {}), ...(metric ? { metric } : {}) }),
    [configs, series.byKey, split, metric],
  );
  /** The swept values (fold ids left out) of each configuration. */
  const combinationText = useMemo(() => {
    const columns = hyper.columns.filter((c) => !isFoldPath(c.path));
    const out = new Map<number, string>();
    for (const [id, config] of Object.entries(configs)) {
      const c = foldInfo(config).combination;
      if (c === null || out.has(c)) continue;
      out.set(
        c,
        columns
          .map(
            (col) =>
              `${isolateBidi(col.label)}=${isolateBidi(JSON.stringify(hyper.values[Number(id)]?.[col.id] ?? null))}`,
          )
          .join(', '),
      );
    }
    return out;
  }, [configs, hyper]);
  if (report.kind === 'none')
    return (
      <Alert severity="info">
        This grid search is neither a cross validation nor a nested cross validation: none of its experiment configs
        carries fold ids (val_fold_id, outer_test_fold_id, inner_test_fold_id).
      </Alert>
    );
  const splits = [...new Set(Object.values(series.byKey).map((s) => s?.split))].filter((s): s is string => !!s).sort();
  const tags = [
    ...new Set(
      Object.values(series.byKey)
        .filter((s) => s?.split === report.split)
        .map((s) => s!.tag),
    ),
  ].sort();
  const scoreKeys =
    report.kind === 'nested'
      ? Object.keys(report.summary).sort()
      : [...new Set(report.configurations.flatMap((c) => Object.keys(c.scores)))].sort();
  return (
    <Box>
      <Paper sx={{ p: 2, mb: 2 }}>
        <Typography variant="h6" component="h2">
          {report.kind === 'nested' ? 'Nested cross validation' : 'Cross validation'}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {report.kind === 'nested'
            ? `Per outer fold, the configuration with the best mean inner-fold ${report.split} ${report.metric} (${report.mode === 'max' ? 'highest' : 'lowest'}) and the final scores of its outer experiment; then mean and standard deviation over the outer folds.`
            : `Per configuration, the final ${report.split} scores over its folds: mean and standard deviation; the best mean ${report.metric} is marked.`}
        </Typography>
        <Stack direction="row" spacing={2}>
          <FormControl size="small" sx={{ minWidth: 140 }}>
            <InputLabel id="cv-split">Split</InputLabel>
            <Select
              labelId="cv-split"
              label="Split"
              value={report.split}
              onChange={(e) => setSplit(String(e.target.value))}
            >
              {splits.map((s) => (
                <MenuItem key={s} value={s}>
                  {s}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControl size="small" sx={{ minWidth: 200 }}>
            <InputLabel id="cv-metric">Ranked by</InputLabel>
            <Select
              labelId="cv-metric"
              label="Ranked by"
              value={tags.includes(report.metric) ? report.metric : ''}
              onChange={(e) => setMetric(String(e.target.value))}
            >
              {tags.map((t) => (
                <MenuItem key={t} value={t}>
                  {t}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Stack>
      </Paper>
      <Paper sx={{ p: 2, overflowX: 'auto' }}>
        {report.kind === 'nested' ? (
          <Table size="small" aria-label="Outer folds">
            <TableHead>
              <TableRow>
                <TableCell>Outer fold</TableCell>
                <TableCell>Chosen configuration</TableCell>
                <TableCell>Inner mean</TableCell>
                <TableCell>Experiment</TableCell>
                {scoreKeys.map((k) => (
                  <TableCell key={k}>{k}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {report.outer.map((o) => (
                <TableRow key={o.outerFold} data-outer-fold={o.outerFold}>
                  <TableCell>{o.outerFold}</TableCell>
                  <TableCell>
                    {o.combination}: {combinationText.get(o.combination) || '—'}
                  </TableCell>
                  <TableCell>{num(o.innerScore)}</TableCell>
                  <TableCell>
                    {o.experimentId === null ? (
                      '—'
                    ) : (
                      <RouterLink to={`/experiment?experiment_id=${o.experimentId}`}>{o.experimentId}</RouterLink>
                    )}
                  </TableCell>
                  {scoreKeys.map((k) => (
                    <TableCell key={k}>{num(o.scores[k])}</TableCell>
                  ))}
                </TableRow>
              ))}
              <TableRow data-summary>
                <TableCell colSpan={4} sx={{ fontWeight: 700 }}>
                  Mean (± std) over {report.outer.length} outer folds
                </TableCell>
                {scoreKeys.map((k) => (
                  <TableCell key={k} sx={{ fontWeight: 700 }}>
                    {stat(report.summary[k])}
                  </TableCell>
                ))}
              </TableRow>
            </TableBody>
          </Table>
        ) : (
          <Table size="small" aria-label="Configurations">
            <TableHead>
              <TableRow>
                <TableCell>Configuration</TableCell>
                <TableCell>Folds ({report.metric})</TableCell>
                {scoreKeys.map((k) => (
                  <TableCell key={k}>{k}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {report.configurations.map((c) => (
                <TableRow
                  key={c.combination}
                  data-combination={c.combination}
                  sx={c.combination === report.best ? { bgcolor: 'rgba(46, 125, 50, 0.12)' } : undefined}
                >
                  <TableCell>
                    {c.combination}: {combinationText.get(c.combination) || '—'}
                    {c.combination === report.best && <b> (best)</b>}
                  </TableCell>
                  <TableCell>{c.folds.map((f) => `${f.fold}: ${num(f.score)}`).join(' · ')}</TableCell>
                  {scoreKeys.map((k) => (
                    <TableCell key={k}>{stat(c.scores[k])}</TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Paper>
    </Box>
  );
}

export default CvReportPage;
