import {
  Alert,
  Box,
  Button,
  Chip,
  FormControl,
  InputLabel,
  MenuItem,
  Paper,
  Select,
  Stack,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { selectFilteredExperimentIds } from '../../analysis/analysisSelectors';
import { ParallelCoordinates } from './ParallelCoordinates';
import { selectParallelData, selectSweepMetric } from '../../analysis/parallelSelectors';
import type { MetricMode } from '../../analysis/series/seriesValue';
import { brushSet, brushesCleared, compareSelectionSet, metricChosen, modeChosen } from '../../analysis/analysisSlice';
import { RungLegend, useRungColours } from '../../analysis/search/RungLegend';
import { AnalysisBar } from '../../analysis/view/AnalysisBar';

/** `/sweep`: parallel coordinates of the swept hyper-parameters and a metric; brushes filter the table and charts. */
export function SweepPage() {
  const dispatch = useAppDispatch();
  const navigate = useNavigate();
  const data = useAppSelector(selectParallelData);
  const metric = useAppSelector(selectSweepMetric);
  const keys = useAppSelector((s) => s.series.keys);
  const mode = useAppSelector((s) => s.analysis.sweepMode);
  const brushes = useAppSelector((s) => s.analysis.brushes);
  const filtered = useAppSelector(selectFilteredExperimentIds);
  const total = data.lines.length;
  const shown = filtered ? data.lines.filter((l) => filtered.has(l.experimentId)).length : total;
  const brushed = Object.keys(brushes).length;
  const rungs = useRungColours();
  if (total === 0) return <Alert severity="info">No experiments yet: the view fills in as their events arrive.</Alert>;
  return (
    <Box>
      <AnalysisBar grouping={false} />
      <Paper sx={{ p: 2, mb: 2 }}>
        <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', alignItems: 'center' }}>
          <FormControl size="small" sx={{ minWidth: 240 }}>
            <InputLabel id="sweep-metric-label">Metric axis</InputLabel>
            <Select
              labelId="sweep-metric-label"
              label="Metric axis"
              value={metric?.key ?? ''}
              onChange={(e) => dispatch(metricChosen(String(e.target.value)))}
            >
              {keys.map((k) => (
                <MenuItem key={k} value={k}>
                  {k}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <ToggleButtonGroup
            size="small"
            exclusive
            value={mode}
            onChange={(_e, v: MetricMode | null) => v && dispatch(modeChosen(v))}
            aria-label="Epoch of the metric"
          >
            <ToggleButton value="final">Final epoch</ToggleButton>
            <ToggleButton value="best">Best epoch</ToggleButton>
          </ToggleButtonGroup>
          <Typography sx={{ flex: 1 }} data-testid="sweep-count">
            {shown} of {total} experiments pass the filters
          </Typography>
          {rungs.available && (
            <ToggleButtonGroup
              size="small"
              exclusive
              value={rungs.on ? 'rung' : 'experiment'}
              onChange={(_e, v: string | null) => v && rungs.set(v === 'rung')}
              aria-label="Line colour"
            >
              <ToggleButton value="experiment">Colour by experiment</ToggleButton>
              <ToggleButton value="rung">Colour by rung reached</ToggleButton>
            </ToggleButtonGroup>
          )}
          <Button disabled={brushed === 0} onClick={() => dispatch(brushesCleared())}>
            Clear brushes
          </Button>
          <Button
            disabled={!filtered || filtered.size < 2}
            onClick={() => {
              dispatch(compareSelectionSet([...(filtered ?? [])]));
              void navigate('/compare');
            }}
          >
            Compare these
          </Button>
          <Button component={RouterLink} to="/dashboard">
            Table
          </Button>
          <Button component={RouterLink} to="/analysisboard">
            Charts
          </Button>
        </Stack>
        {data.axes.length <= 1 && (
          <Alert severity="info" sx={{ mt: 1 }}>
            No hyper-parameter differs between the experiments: there is nothing swept to draw.
          </Alert>
        )}
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Drag along an axis to brush it; click an axis to clear its brush. Brushes filter the table and the chart lines
          like any other filter.
        </Typography>
      </Paper>
      <Paper sx={{ p: 1 }}>
        <ParallelCoordinates
          data={data}
          brushes={brushes}
          selected={filtered}
          onBrush={(axis, brush) => dispatch(brushSet({ axis, brush }))}
          {...(rungs.on ? { colorOf: rungs.colorOf } : {})}
        />
        {rungs.on && <RungLegend />}
      </Paper>
      {filtered && (
        <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap', mt: 2 }} aria-label="Experiments passing the filters">
          {data.lines
            .filter((l) => filtered.has(l.experimentId))
            .map((l) => (
              <Chip
                key={l.experimentId}
                label={`experiment ${l.experimentId}`}
                component={RouterLink}
                to={`/experiment?experiment_id=${l.experimentId}`}
                clickable
              />
            ))}
        </Stack>
      )}
    </Box>
  );
}

export default SweepPage;
