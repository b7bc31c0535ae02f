import { Alert, AlertTitle, Box } from '@mui/material';
import { useAppSelector } from '../../store/hooks';
import { BOARD_LIMITS } from '../../connection/events/dataUpdate';

/**
 * Problems a person must know about, above every page: an endpoint that cannot be reached, a grid
 * search the endpoint does not know or that has no events, server refusals, malformed events.
 */
export function ConnectionBanner() {
  const c = useAppSelector((s) => s.connection);
  const settings = useAppSelector((s) => s.settings);
  const experiments = useAppSelector((s) => s.experiments.ids.length);
  const refused = useAppSelector((s) => s.auth.refused);
  const alerts: Array<{ severity: 'error' | 'warning' | 'info'; title: string; text: string }> = [];
  if (settings.linkProblems.length)
    alerts.push({
      severity: 'error',
      title: 'This link named an endpoint that is not allowed',
      text: `${settings.linkProblems.join(' ')} Enter the endpoints in the popup or in Settings.`,
    });
  if (!settings.requested) return alerts.length ? <Alerts alerts={alerts} /> : null;
  const url = settings.current.socketConnectionUrl;
  for (const r of Object.values(refused))
    alerts.push({
      severity: 'error',
      title: `The ${r.kind} endpoint refused access (${r.code})`,
      text: `${r.origin}: ${r.message}. ${
        r.code === 'HOST_NOT_ALLOWED'
          ? 'The endpoint does not answer to the name in this URL; its --allowed_hosts must list it.'
          : 'The token entered for it may not do this; sign in with another one in Settings.'
      }`,
    });
  if (c.authCode === 'AUTH_REQUIRED' || c.authCode === 'AUTH_INVALID') {
    alerts.push({
      severity: 'error',
      title: `The websocket endpoint asks for a token (${c.authCode})`,
      text: `${url}: ${c.error ?? ''}. Enter a token in the dialog, or in Settings (Sign in); the data shown stays.`,
    });
  } else if (c.authCode) {
    // said by the refusal above
  } else if (c.status === 'connecting' && c.error) {
    alerts.push({
      severity: 'error',
      title: 'Cannot reach the websocket endpoint',
      text: `${url}: ${c.error}. Retrying (attempt ${c.connectAttempts}); check the URL in Settings and that ml_board_ws_endpoint runs.`,
    });
  } else if (c.status === 'reconnecting') {
    alerts.push({
      severity: 'warning',
      title: 'Connection lost',
      text: `Reconnecting to ${url}… The data shown stays; the board resumes after event ${c.lastEventId}.`,
    });
  }
  if (c.historyDone && experiments === 0) {
    const gs = settings.current.gridSearchId;
    alerts.push(
      c.gridSearchKnown === false && c.historyEvents === 0
        ? {
            severity: 'warning',
            title: `Unknown grid search "${gs}"`,
            text: `The websocket endpoint has no events for it. Check the run id (Settings or the picker); if the run is just starting, its events appear here as they arrive.`,
          }
        : {
            severity: 'info',
            title: 'No events yet',
            text: `Grid search "${gs}" has no experiment events yet; they appear here as they arrive.`,
          },
    );
  }
  if (c.leftOut.experimentEvents > 0)
    alerts.push({
      severity: 'warning',
      title: `This grid search has more than ${BOARD_LIMITS.experiments.toLocaleString('en-US')} experiments`,
      text: `The board shows the first ${BOARD_LIMITS.experiments.toLocaleString('en-US')}; ${c.leftOut.experimentEvents.toLocaleString('en-US')} events of further experiments were left out, so that the page stays responsive.`,
    });
  if (c.serverError)
    alerts.push({ severity: 'error', title: 'The websocket endpoint refused a request', text: c.serverError });
  const bad = c.unknownEvents + c.malformedEvents;
  if (bad > 0 || c.missingScores > 0) {
    const parts = [];
    if (bad > 0) {
      parts.push(
        `${bad} event${bad === 1 ? '' : 's'} ignored (${c.unknownEvents} of unknown type, ${c.malformedEvents} malformed)`,
      );
    }
    if (c.missingScores > 0) parts.push(`${c.missingScores} score${c.missingScores === 1 ? '' : 's'} not a number`);
    alerts.push({ severity: 'warning', title: parts.join('; '), text: c.problems.join(' · ') });
  }
  if (alerts.length === 0) return null;
  return <Alerts alerts={alerts} />;
}

function Alerts({
  alerts,
}: {
  alerts: Array<{ severity: 'error' | 'warning' | 'info'; title: string; text: string }>;
}) {
  return (
    <Box sx={{ display: 'grid', gap: 1, mb: 2 }}>
      {alerts.map((a) => (
        <Alert key={a.title} severity={a.severity} role="alert">
          <AlertTitle>{a.title}</AlertTitle>
          {a.text}
        </Alert>
      ))}
    </Box>
  );
}
