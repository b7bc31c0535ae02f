import { useMemo, useState } from 'react';
import { Autocomplete, TextField } from '@mui/material';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { useGridSearchesQuery } from '../../connection/rest/api';
import { alsoShown } from '../../connection/settings/settingsSlice';
import { MAX_GRID_SEARCHES } from '../../connection/events/experimentKey';

/** Grid searches offered at most (the newest first; an endpoint may store a great many). */
const MAX_OFFERED = 2_000;

/**
 * Other stored grid searches shown beside the connected one (a warm start's extension and its
 * original, two searches over different spaces): each streams live; the table gains a grid search
 * column; lines can be coloured or grouped by grid search. The URL names them all (`run_id` again).
 */
export function GridSearchesChooser() {
  const { current, requested, also } = useAppSelector((s) => s.settings);
  const dispatch = useAppDispatch();
  // listed once the person opens the box: an endpoint may store a great many grid searches
  const [opened, setOpened] = useState(false);
  const { data, isFetching } = useGridSearchesQuery(current.restApiUrl, {
    skip: !opened || !requested || current.restApiUrl === '',
  });
  const options = useMemo(
    () =>
      (data ?? [])
        .map((g) => g.grid_search_id)
        .filter((g) => g !== current.gridSearchId)
        .slice(0, MAX_OFFERED),
    [data, current.gridSearchId],
  );
  if (!requested) return null;
  return (
    <Autocomplete
      multiple
      size="small"
      limitTags={2}
      options={options}
      value={also}
      onOpen={() => setOpened(true)}
      loading={isFetching}
      getOptionDisabled={(o) => also.length >= MAX_GRID_SEARCHES - 1 && !also.includes(o)}
      onChange={(_e, next) => dispatch(alsoShown(next))}
      sx={{ minWidth: 240, maxWidth: 520 }}
      renderInput={(params) => (
        <TextField
          {...params}
          label="Beside it"
          placeholder={also.length ? '' : 'other grid searches'}
          helperText={`up to ${MAX_GRID_SEARCHES - 1} more grid searches`}
        />
      )}
    />
  );
}
