import { useCallback } from 'react';
import type { AnnotationRequest } from '@mlgym/protocol';
import { useAnnotateMutation } from '../../connection/rest/annotationsApi';
import { useAppSelector } from '../../store/hooks';

/**
 * Sends edits of the connected grid search's annotations; `readOnly` where there is nothing to send them to (no
 * connection, or a report opened from a file).
 */
export function useAnnotate() {
  const [mutate, state] = useAnnotateMutation();
  const ws = useAppSelector((s) => s.settings.current.socketConnectionUrl);
  const gs = useAppSelector((s) => s.settings.current.gridSearchId);
  const requested = useAppSelector((s) => s.settings.requested);
  const report = useAppSelector((s) => s.settings.report);
  const readOnly = report !== null || !requested || !ws || !gs;
  const send = useCallback(
    (edit: AnnotationRequest) => mutate({ ws, gs, edit: { ...edit, source: 'board' } }).unwrap(),
    [mutate, ws, gs],
  );
  return { send, readOnly, sending: state.isLoading };
}
