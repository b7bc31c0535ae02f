import { useEffect, useState } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { GridSearchPicker } from './GridSearchPicker';
import { SettingsFields } from './SettingsFields';
import { connectRequested } from '../../connection/settings/settingsSlice';
import { isComplete, normalizeSettings } from '../../connection/settings/settingsStorage';

/** The original's "Enter Configurations" popup, plus a grid-search picker. */
export function ConfigPopup({ open, onClose }: { open: boolean; onClose?: () => void }) {
  const current = useAppSelector((s) => s.settings.current);
  const linkProblems = useAppSelector((s) => s.settings.linkProblems);
  const dispatch = useAppDispatch();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(current);
  useEffect(() => {
    if (open) setDraft(current);
  }, [open, current]);
  const ready = isComplete(normalizeSettings(draft));
  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="config-popup-title">
      <DialogTitle id="config-popup-title">Enter Configurations</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          To subscribe to your experiment results, please enter grid search id, socket connection url and rest api url
          here. OR, you can go to settings page to add more configurations.
        </DialogContentText>
        {linkProblems.length > 0 && (
          <Alert severity="error" sx={{ mb: 2 }}>
            {linkProblems.join(' ')}
          </Alert>
        )}
        <SettingsFields value={draft} onChange={setDraft} />
        <GridSearchPicker
          restApiUrl={draft.restApiUrl}
          selected={draft.gridSearchId}
          onPick={(gridSearchId) => setDraft({ ...draft, gridSearchId })}
        />
      </DialogContent>
      <DialogActions>
        <Button
          onClick={() => {
            onClose?.();
            navigate('/settings');
          }}
        >
          Go to Settings
        </Button>
        {onClose && <Button onClick={onClose}>Cancel</Button>}
        <Button
          variant="contained"
          disabled={!ready}
          onClick={() => {
            dispatch(connectRequested(draft, { save: true }));
            onClose?.();
          }}
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
