import { useEffect, useState } from 'react';
import { Alert, Box, Button, Paper, Stack, Typography } from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import SendIcon from '@mui/icons-material/Send';
import { useNavigate } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { useStoreTarget } from '../../connection/rest/storedFiles';
import { AccessPanel } from './AccessPanel';
import { ConfigFilePanel } from './ConfigFilePanel';
import { GridSearchPicker } from './GridSearchPicker';
import { SettingsFields } from './SettingsFields';
import { connectRequested, settingsCleared } from '../../connection/settings/settingsSlice';
import { isComplete, normalizeSettings } from '../../connection/settings/settingsStorage';

/**
 * Connection settings: view, change (reconnects to the chosen grid search) and clear them (no
 * connection is attempted with empty values); the grid search's gs_config and run_config.
 */
export function SettingsPage() {
  const current = useAppSelector((s) => s.settings.current);
  const status = useAppSelector((s) => s.connection.status);
  const dispatch = useAppDispatch();
  const target = useStoreTarget();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(current);
  useEffect(() => setDraft(current), [current]);
  const normalized = normalizeSettings(draft);
  const changed = JSON.stringify(normalized) !== JSON.stringify(current);
  return (
    <Box sx={{ maxWidth: 1200, mx: 'auto' }}>
      <Paper sx={{ p: 3 }}>
        <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
          Connection
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 2 }} data-testid="connection-state">
          {target ? `Grid search ${current.gridSearchId}: ${status}.` : 'Not connected.'}
        </Typography>
        <SettingsFields value={draft} onChange={setDraft} />
        <GridSearchPicker
          restApiUrl={draft.restApiUrl}
          selected={draft.gridSearchId}
          onPick={(gridSearchId) => setDraft({ ...draft, gridSearchId })}
        />
        <Stack direction="row" spacing={2} sx={{ mt: 2, justifyContent: 'flex-end' }}>
          <Button
            variant="outlined"
            color="warning"
            startIcon={<DeleteIcon />}
            onClick={() => {
              dispatch(settingsCleared());
              // The URL would otherwise reconnect on the next reload.
              navigate('/settings', { replace: true });
            }}
          >
            Clear
          </Button>
          <Button
            variant="contained"
            endIcon={<SendIcon />}
            disabled={!isComplete(normalized)}
            onClick={() => dispatch(connectRequested(draft, { save: true }))}
          >
            {changed || !target ? 'Save and connect' : 'Reconnect'}
          </Button>
        </Stack>
      </Paper>
      <AccessPanel />
      {target ? (
        <Stack direction={{ xs: 'column', lg: 'row' }} sx={{ gap: 2, mt: 2, alignItems: 'flex-start' }}>
          <ConfigFilePanel target={target} name="grid_search_config" title="Grid Search Configuration" />
          <ConfigFilePanel target={target} name="run_config" title="Run Config" />
        </Stack>
      ) : (
        <Alert severity="info" sx={{ mt: 2 }}>
          Connect to a grid search to see its gs_config and run_config.
        </Alert>
      )}
    </Box>
  );
}

export default SettingsPage;
