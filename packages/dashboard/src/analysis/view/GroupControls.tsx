import { useMemo } from 'react';
import {
  Autocomplete,
  FormControlLabel,
  Stack,
  Switch,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
} from '@mui/material';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { bandSet, groupBySet, groupingSwitched } from '../analysisSlice';
import { selectHyperParameters } from '../experiments/experimentSelectors';
import { selectGridSearchNames } from '../experiments/gridSearchSelectors';
import type { BandKind } from '../grouping/aggregatePoints';
import { GRID_SEARCH_KEY } from '../grouping/groupExperiments';
import type { GroupBy } from '../grouping/groupExperiments';
import { selectEffectiveGroupBy, selectGroupingFallback, selectGroups } from '../grouping/groupSelectors';

/** One choice of the "Group by" box: a way of grouping, or a key (several keys group together). */
interface Choice {
  value: string;
  label: string;
  hint: string;
}

const COMBINATION: Choice = {
  value: '@combination',
  label: 'combination',
  hint: 'the folds and seeds of each configuration',
};
const TAG: Choice = { value: '@tag', label: 'tag', hint: 'the same tags' };
const GRID_SEARCH: Choice = { value: GRID_SEARCH_KEY, label: 'grid search', hint: 'one group per grid search' };

function chosen(groupBy: GroupBy, choices: readonly Choice[]): Choice[] {
  switch (groupBy.kind) {
    case 'none':
      return [];
    case 'combination':
      return [COMBINATION];
    case 'tag':
      return [TAG];
    case 'keys':
      return groupBy.keys.map(
        (k) => choices.find((c) => c.value === k) ?? { value: k, label: k, hint: 'not a swept key here' },
      );
  }
}

/** The grouping a new choice makes: combination and tag stand alone; keys (and the grid search) combine. */
function groupingOf(next: readonly Choice[], before: readonly Choice[]): GroupBy {
  const added = next.find((c) => !before.includes(c));
  if (added === COMBINATION || added === TAG) return { kind: added === TAG ? 'tag' : 'combination' };
  const keys = next.filter((c) => c !== COMBINATION && c !== TAG).map((c) => c.value);
  return keys.length ? { kind: 'keys', keys } : { kind: 'none' };
}

/**
 * Grouping: the switch (off: one line and row per experiment), what groups are made of (a combination,
 * config keys, the grid search, tags), and the band drawn around a group's mean.
 */
export function GroupControls() {
  const effective = useAppSelector(selectEffectiveGroupBy);
  const fallback = useAppSelector(selectGroupingFallback);
  const hyper = useAppSelector(selectHyperParameters);
  const gridSearches = useAppSelector(selectGridSearchNames);
  const band = useAppSelector((s) => s.analysis.band);
  const groups = useAppSelector(selectGroups);
  const dispatch = useAppDispatch();
  const on = effective.kind !== 'none';

  const choices = useMemo(
    () => [
      COMBINATION,
      ...(gridSearches.length > 1 ? [GRID_SEARCH] : []),
      TAG,
      ...hyper.columns.map((c) => ({ value: c.path, label: c.label, hint: c.path })),
    ],
    [gridSearches.length, hyper.columns],
  );
  const value = useMemo(() => chosen(effective, choices), [effective, choices]);

  return (
    <Stack direction="row" spacing={1.5} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
      <FormControlLabel
        data-testid="group-toggle"
        control={
          <Switch
            checked={on}
            onChange={(_e, checked) => dispatch(groupingSwitched({ on: checked, fallback }))}
            slotProps={{ input: { 'aria-label': 'Group experiments' } }}
          />
        }
        label={on && groups ? `Grouped (${groups.length} group${groups.length === 1 ? '' : 's'})` : 'Group'}
      />
      <Autocomplete
        multiple
        size="small"
        options={choices}
        value={value}
        onChange={(_e, next) => dispatch(groupBySet(groupingOf(next, value)))}
        isOptionEqualToValue={(a, b) => a.value === b.value}
        getOptionLabel={(c) => c.label}
        renderOption={(props, c) => {
          const { key, ...rest } = props as typeof props & { key: string };
          return (
            <li key={key} {...rest} title={c.hint}>
              {c.label}
              <span style={{ marginLeft: 8, color: '#757575', fontSize: 12 }}>{c.hint}</span>
            </li>
          );
        }}
        sx={{ minWidth: 260, maxWidth: 520 }}
        renderInput={(params) => <TextField {...params} label="Group by" placeholder={value.length ? '' : 'nothing'} />}
      />
      {on && (
        <ToggleButtonGroup
          size="small"
          exclusive
          value={band}
          onChange={(_e, v: BandKind | null) => v && dispatch(bandSet(v))}
          aria-label="Band around the mean"
        >
          <ToggleButton value="std">± std</ToggleButton>
          <ToggleButton value="minmax">min–max</ToggleButton>
          <ToggleButton value="none">no band</ToggleButton>
        </ToggleButtonGroup>
      )}
    </Stack>
  );
}
