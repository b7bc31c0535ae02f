import { Button, Paper, Stack, Typography } from '@mui/material';
import { describeRestError, useWhoamiQuery } from '../../connection/rest/api';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { signInRequested, tokenForgotten } from '../../connection/auth/authSlice';
import type { EndpointKind } from '../../connection/auth/authSlice';
import { describeIdentity } from '../../connection/auth/identity';
import { originOf, readToken, writeToken } from '../../connection/auth/tokenStorage';

const tabStorage = () => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);

function EndpointAccess({ kind, url }: { kind: EndpointKind; url: string }) {
  const dispatch = useAppDispatch();
  // re-read after a sign-in or sign-out (the token lives in sessionStorage, not in the store)
  useAppSelector((s) => s.auth.generation);
  const origin = originOf(url);
  const { data, error, isFetching } = useWhoamiQuery(url, { skip: origin === null });
  if (!origin) return null;
  const hasToken = readToken(tabStorage(), url) !== null;
  const status = data
    ? describeIdentity(data)
    : error
      ? 'status' in error && error.status === 404
        ? 'no authentication (the endpoint has no GET /whoami)'
        : `unknown (${describeRestError(error)})`
      : isFetching
        ? 'asking…'
        : '';
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }} data-testid={`access-${kind}`}>
      <Typography sx={{ minWidth: 260 }}>
        {kind === 'websocket' ? 'Websocket' : 'REST'} endpoint {origin}:
      </Typography>
      <Typography color="text.secondary" sx={{ flex: 1 }} data-testid="identity">
        {status}
      </Typography>
      <Button size="small" onClick={() => dispatch(signInRequested({ origin, kind }))}>
        {hasToken ? 'Use another token' : 'Sign in'}
      </Button>
      {hasToken && (
        <Button
          size="small"
          color="warning"
          onClick={() => {
            writeToken(tabStorage(), origin, '');
            dispatch(tokenForgotten({ origin }));
          }}
        >
          Sign out
        </Button>
      )}
    </Stack>
  );
}

/** Who the board is connected as on each endpoint (GET /whoami), and the tokens of this tab. */
export function AccessPanel() {
  const { current, requested } = useAppSelector((s) => s.settings);
  if (!requested) return null;
  return (
    <Paper sx={{ p: 3, mt: 2 }}>
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        Access
      </Typography>
      <Stack spacing={1}>
        <EndpointAccess kind="websocket" url={current.socketConnectionUrl} />
        {originOf(current.restApiUrl) !== originOf(current.socketConnectionUrl) && (
          <EndpointAccess kind="REST" url={current.restApiUrl} />
        )}
      </Stack>
    </Paper>
  );
}
