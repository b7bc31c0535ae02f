import { Chip, Tooltip } from '@mui/material';
import PersonIcon from '@mui/icons-material/Person';
import LockIcon from '@mui/icons-material/Lock';
import { useWhoamiQuery } from '../../connection/rest/api';
import { useAppSelector } from '../../store/hooks';
import { isolateBidi } from '../../shared/isolateBidi';
import { describeIdentity } from '../../connection/auth/identity';

/**
 * Who the board is connected as, in the top bar: the websocket endpoint's `GET /whoami` for the token
 * entered for it. Nothing when the endpoint has no authentication (or predates it).
 */
export function WhoamiChip() {
  const { current, requested } = useAppSelector((s) => s.settings);
  const url = current.socketConnectionUrl;
  const { data } = useWhoamiQuery(url, { skip: !requested || url === '' });
  if (!data?.auth_required) return null;
  const signedIn = data.scope !== null;
  const text = signedIn ? isolateBidi(data.name ?? 'token') : 'not signed in';
  return (
    <Tooltip title={describeIdentity(data)}>
      <Chip
        size="small"
        variant="outlined"
        icon={signedIn ? <PersonIcon /> : <LockIcon />}
        label={signedIn ? `${text} · ${data.scope}` : text}
        aria-label={`Connected as: ${describeIdentity(data)}`}
        sx={{ minWidth: 0, flexShrink: 1 }}
      />
    </Tooltip>
  );
}
