import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControlLabel,
  TextField,
} from '@mui/material';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { promptDismissed, tokenEntered } from './authSlice';
import { originOf, writeToken } from './tokenStorage';

const tabStorage = () => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);

/**
 * Asks for a token when an endpoint refused the board for lack of one (401, or a refused socket.io
 * handshake). The token is kept for this tab and this endpoint's origin only (see tokenStorage).
 */
export function TokenDialog() {
  const prompt = useAppSelector((s) => s.auth.prompt);
  const settings = useAppSelector((s) => s.settings.current);
  const dispatch = useAppDispatch();
  const [token, setToken] = useState('');
  const [both, setBoth] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setToken('');
    setBoth(false);
    setProblem(null);
  }, [prompt?.origin, prompt?.code]);
  if (!prompt) return null;
  // A team server usually shares one tokens file between its two endpoints; sending the token to the
  // other one too is the person's explicit choice (unticked: a link may name a stranger's endpoint).
  const otherKind = prompt.kind === 'REST' ? 'websocket' : 'REST';
  const other = originOf(prompt.kind === 'REST' ? settings.socketConnectionUrl : settings.restApiUrl);
  const offerOther = other !== null && other !== prompt.origin;
  const submit = () => {
    const value = token.trim();
    if (!value) return;
    if (!writeToken(tabStorage(), prompt.origin, value)) {
      setProblem('This browser does not let the page keep the token (session storage is disabled).');
      return;
    }
    if (offerOther && both && writeToken(tabStorage(), other, value)) dispatch(tokenEntered({ origin: other }));
    dispatch(tokenEntered({ origin: prompt.origin }));
  };
  return (
    <Dialog open onClose={() => dispatch(promptDismissed())} maxWidth="sm" fullWidth aria-labelledby="token-title">
      <DialogTitle id="token-title">Sign in to the {prompt.kind} endpoint</DialogTitle>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            {prompt.origin} {prompt.code === 'AUTH_INVALID' ? 'refused the token it was sent' : 'asks for a token'}:{' '}
            {prompt.message}
          </DialogContentText>
          <DialogContentText variant="body2" sx={{ mb: 2 }}>
            The token is kept for this tab only and sent to {prompt.origin} alone (never put in a link). Ask whoever
            runs the endpoint for one (<code>ml_board_token new --scope read</code>).
          </DialogContentText>
          {problem && (
            <Alert severity="error" sx={{ mb: 2 }}>
              {problem}
            </Alert>
          )}
          <TextField
            autoFocus
            fullWidth
            type="password"
            label="Token"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          {offerOther && (
            <FormControlLabel
              sx={{ mt: 1 }}
              control={<Checkbox checked={both} onChange={(e) => setBoth(e.target.checked)} />}
              label={`Use it for the ${otherKind} endpoint ${other} too`}
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => dispatch(promptDismissed())}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={token.trim() === ''}>
            Sign in
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
