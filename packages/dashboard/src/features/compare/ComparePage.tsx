import { isolateBidi } from '../../shared/isolateBidi';
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Chip,
  FormControlLabel,
  Paper,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { experimentColor } from '../../analysis/experimentColor';
import { seriesValue } from '../../analysis/series/seriesValue';
import { compareFocusSet, compareSelectionSet, compareToggled } from '../../analysis/analysisSlice';
import { configDiff } from './configDiff';

function short(text: string | undefined): string {
  if (text === undefined) return '—';
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** `/compare?ids=1,3`: chosen experiments' configs side by side with the differences marked, and their final scores. */
export function ComparePage() {
  const dispatch = useAppDispatch();
  const [params] = useSearchParams();
  const allIds = useAppSelector((s) => s.experiments.ids as number[]);
  const configs = useAppSelector((s) => s.experiments.configs);
  const series = useAppSelector((s) => s.series);
  const ids = useAppSelector((s) => s.analysis.compared);
  const focus = useAppSelector((s) => s.analysis.focus);
  const [onlyDiff, setOnlyDiff] = useState(true);
  const fromUrl = params.get('ids');
  useEffect(() => {
    if (fromUrl === null) return;
    const wanted = fromUrl
      .split(',')
      .map((x) => Number(x.trim()))
      .filter((x) => Number.isInteger(x) && x >= 0);
    dispatch(compareSelectionSet(wanted));
  }, [fromUrl, dispatch]);
  const rows = useMemo(() => configDiff(ids.map((id) => configs[id] ?? {})), [ids, configs]);
  const differing = rows.filter((r) => r.differs).length;
  const shownRows = onlyDiff ? rows.filter((r) => r.differs) : rows;
  const scores = series.keys
    .map((k) => series.byKey[k])
    .filter((s) => s !== undefined)
    .map((s) => ({ key: s.key, values: ids.map((id) => seriesValue(s, id, 'final')) }));
  return (
    <Box>
      <Paper sx={{ p: 2, mb: 2 }}>
        <Typography variant="h6" component="h2">
          Compare experiments
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Choose two or more experiments. “Only these” keeps just their rows in the table and their lines on every
          chart.
        </Typography>
        <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap', mb: 1 }} aria-label="Experiments">
          {allIds.map((id) => (
            <Chip
              key={id}
              label={`${id}`}
              color={ids.includes(id) ? 'primary' : 'default'}
              variant={ids.includes(id) ? 'filled' : 'outlined'}
              onClick={() => dispatch(compareToggled(id))}
              aria-pressed={ids.includes(id)}
              aria-label={`experiment ${id}`}
            />
          ))}
        </Stack>
        <Stack direction="row" sx={{ gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
          <FormControlLabel
            control={
              <Switch
                checked={focus}
                disabled={ids.length < 2}
                onChange={(e) => dispatch(compareFocusSet(e.target.checked))}
              />
            }
            label="Only these in the table and charts"
          />
          <FormControlLabel
            control={<Switch checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />}
            label="Only differing keys"
          />
          <Button component={RouterLink} to="/analysisboard" disabled={!focus}>
            Charts
          </Button>
          <Button disabled={ids.length === 0} onClick={() => dispatch(compareSelectionSet([]))}>
            Clear
          </Button>
        </Stack>
      </Paper>
      {ids.length < 2 ? (
        <Alert severity="info">Choose at least two experiments to compare.</Alert>
      ) : (
        <Paper sx={{ p: 2, overflowX: 'auto' }}>
          <Typography sx={{ mb: 1 }} data-testid="compare-summary">
            {differing} of {rows.length} config keys differ.
          </Typography>
          <Table size="small" aria-label="Compared configurations">
            <TableHead>
              <TableRow>
                <TableCell sx={{ fontWeight: 700 }}>Key</TableCell>
                {ids.map((id) => (
                  <TableCell key={id} sx={{ fontWeight: 700, borderBottom: `3px solid ${experimentColor(id)}` }}>
                    <RouterLink to={`/experiment?experiment_id=${id}`}>experiment {id}</RouterLink>
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {scores.map((s) => (
                <TableRow key={s.key} data-score={s.key}>
                  <TableCell sx={{ color: 'text.secondary' }}>{s.key} (final)</TableCell>
                  {s.values.map((v, i) => (
                    <TableCell key={i} sx={{ fontFamily: 'monospace' }}>
                      {v === null ? '—' : Number(v.toPrecision(5))}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
              {shownRows.map((r) => (
                <TableRow
                  key={r.path}
                  data-path={r.path}
                  data-differs={r.differs}
                  sx={r.differs ? { bgcolor: 'rgba(255, 193, 7, 0.18)' } : undefined}
                >
                  <TableCell sx={{ fontFamily: 'monospace', fontSize: 12 }}>
                    {isolateBidi(r.path)}
                    {r.differs && <Chip size="small" color="warning" label="differs" sx={{ ml: 1, height: 18 }} />}
                  </TableCell>
                  {r.values.map((v, i) => (
                    <TableCell key={i} sx={{ fontFamily: 'monospace', fontSize: 12 }} title={v}>
                      {short(v)}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      )}
    </Box>
  );
}

export default ComparePage;
