import { useEffect, useState } from 'react';
import { Box, Button, Paper, Stack, Typography } from '@mui/material';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { GridSearchPicker } from './GridSearchPicker';
import { SettingsFields } from './SettingsFields';
import { connectRequested, settingsCleared } from './settingsSlice';
import { isComplete, normalizeSettings } from './settingsStorage';

/** Connection settings (issue 12 adds the grid-search and run config panels). */
export function SettingsPage() {
  const current = useAppSelector((s) => s.settings.current);
  const dispatch = useAppDispatch();
  const [draft, setDraft] = useState(current);
  useEffect(() => setDraft(current), [current]);
  return (
    <Box sx={{ maxWidth: 720, mx: 'auto' }}>
      <Paper sx={{ p: 3 }}>
        <Typography variant="h6" component="h2" sx={{ mb: 2 }}>
          Connection
        </Typography>
        <SettingsFields value={draft} onChange={setDraft} />
        <GridSearchPicker
          restApiUrl={draft.restApiUrl}
          selected={draft.gridSearchId}
          onPick={(gridSearchId) => setDraft({ ...draft, gridSearchId })}
        />
        <Stack direction="row" spacing={2} sx={{ mt: 2, justifyContent: 'flex-end' }}>
          <Button color="warning" onClick={() => dispatch(settingsCleared())}>
            Clear
          </Button>
          <Button
            variant="contained"
            disabled={!isComplete(normalizeSettings(draft))}
            onClick={() => dispatch(connectRequested(draft))}
          >
            Save
          </Button>
        </Stack>
      </Paper>
    </Box>
  );
}

export default SettingsPage;
