import { useCallback } from 'react';
import type { AnnotationRequest } from '@mlgym/protocol';
import { scopeAllows } from '@mlgym/protocol';
import { useWhoamiQuery } from '../../connection/rest/api';
import { useAnnotateMutation } from '../../connection/rest/annotationsApi';
import { useAppSelector } from '../../store/hooks';

/**
 * Sends edits of the connected grid search's annotations; `readOnly` where there is nothing to send them to (no
 * connection, a report opened from a file) or the websocket endpoint would refuse them (its tokens: none entered, or
 * one without the write scope, as `GET /whoami` says).
 */
export function useAnnotate() {
  const [mutate, state] = useAnnotateMutation();
  const ws = useAppSelector((s) => s.settings.current.socketConnectionUrl);
  const gs = useAppSelector((s) => s.settings.current.gridSearchId);
  const requested = useAppSelector((s) => s.settings.requested);
  const report = useAppSelector((s) => s.settings.report);
  const disconnected = report !== null || !requested || !ws || !gs;
  const who = useWhoamiQuery(ws, { skip: disconnected });
  const scope = who.data?.scope ?? null;
  const refused = who.data?.auth_required === true && (scope === null || !scopeAllows(scope, 'write'));
  const readOnly = disconnected || refused;
  const send = useCallback(
    (edit: AnnotationRequest) => mutate({ ws, gs, edit: { ...edit, source: 'board' } }).unwrap(),
    [mutate, ws, gs],
  );
  return { send, readOnly, sending: state.isLoading };
}
