import { FormControlLabel, InputAdornment, Paper, Slider, Stack, Switch, TextField, Typography } from '@mui/material';
import SearchIcon from '@mui/icons-material/Search';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { selectFilteredExperimentIds } from '../../analysis/analysisSelectors';
import { selectChartFilterError, selectChartKeys } from './chartSelectors';
import {
  densityFromSet,
  followTableFilterSet,
  logScaleSet,
  nameFilterChanged,
  showSystemSet,
  smoothingSet,
  colorBySet,
} from './chartsSlice';
import { selectGridSearchNames } from '../../analysis/experiments/gridSearchSelectors';
import { selectIsGrouped } from '../../analysis/grouping/groupSelectors';

/** Chart name filter, log axis, smoothing, and whether the table's row filters apply to lines. */
export function ChartToolbar() {
  const charts = useAppSelector((s) => s.charts);
  const shown = useAppSelector(selectChartKeys).length;
  const total = useAppSelector((s) => s.series.keys.length);
  const error = useAppSelector(selectChartFilterError);
  const rowFilter = useAppSelector(selectFilteredExperimentIds);
  const experiments = useAppSelector((s) => s.experiments.ids.length);
  const gridSearches = useAppSelector(selectGridSearchNames).length;
  const grouped = useAppSelector(selectIsGrouped);
  const dispatch = useAppDispatch();
  return (
    <Paper sx={{ p: 2, mb: 2 }}>
      <Stack direction="row" spacing={3} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField
          size="small"
          label="Filter charts"
          placeholder="regex, e.g. ^val_|loss"
          value={charts.nameFilter}
          onChange={(e) => dispatch(nameFilterChanged(e.target.value))}
          error={error !== null}
          helperText={error ?? `${shown} of ${total} charts`}
          sx={{ minWidth: 260 }}
          slotProps={{
            input: {
              startAdornment: (
                <InputAdornment position="start">
                  <SearchIcon fontSize="small" />
                </InputAdornment>
              ),
            },
          }}
        />
        <FormControlLabel
          control={<Switch checked={charts.logScale} onChange={(_e, on) => dispatch(logScaleSet(on))} />}
          label="Log y-axis"
        />
        {gridSearches > 1 && (
          <FormControlLabel
            control={
              <Switch
                checked={charts.colorBy === 'grid_search'}
                onChange={(_e, on) => dispatch(colorBySet(on ? 'grid_search' : 'experiment'))}
              />
            }
            label="Colour by grid search"
          />
        )}
        <Stack sx={{ width: 220 }}>
          <Typography variant="body2" id="smoothing-label">
            Smoothing (EMA): {charts.smoothing.toFixed(2)}
          </Typography>
          <Slider
            size="small"
            min={0}
            max={0.99}
            step={0.01}
            value={charts.smoothing}
            onChange={(_e, v) => dispatch(smoothingSet(v as number))}
            aria-labelledby="smoothing-label"
          />
        </Stack>
        <TextField
          size="small"
          type="number"
          label="Lines drawn up to"
          value={charts.densityFrom}
          onChange={(e) => dispatch(densityFromSet(Number(e.target.value)))}
          helperText="beyond: their density, with median and quantile bands"
          slotProps={{ htmlInput: { min: 0, step: 50 } }}
          sx={{ width: 210 }}
        />
        <FormControlLabel
          control={
            <Switch checked={charts.followTableFilter} onChange={(_e, on) => dispatch(followTableFilterSet(on))} />
          }
          label={
            rowFilter === null
              ? 'Apply table filters to lines'
              : `Apply table filters to lines (${rowFilter.size} of ${experiments} experiments)`
          }
        />
        <FormControlLabel
          control={<Switch checked={charts.showSystem} onChange={(_e, on) => dispatch(showSystemSet(on))} />}
          label="System charts"
        />
        <Typography variant="caption" color="text.secondary">
          Drag to zoom · Shift+drag to pan · Ctrl+wheel to zoom ·{' '}
          {grouped ? 'click a line to list its group in the table' : 'click a line to open its experiment'}
        </Typography>
      </Stack>
    </Paper>
  );
}
