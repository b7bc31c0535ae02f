import { useEffect, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { useAppSelector } from '../../store/hooks';

const PARAMS = [
  ['ws_endpoint', 'socketConnectionUrl'],
  ['rest_endpoint', 'restApiUrl'],
] as const;

/**
 * Keeps the connection in every page's URL, so reloading or sharing any page reconnects to the same
 * grid search without the popup: `run_id` names it, and once more each grid search shown beside it.
 */
export function useSettingsInUrl(): void {
  const { current, requested, report, also } = useAppSelector((s) => s.settings);
  const location = useLocation();
  const navigate = useNavigate();
  const wasRequested = useRef(requested);
  useEffect(() => {
    // a report's connection is the file it is in
    if (report) return;
    const params = new URLSearchParams(location.search);
    const cleared = wasRequested.current && !requested;
    wasRequested.current = requested;
    if (cleared) {
      // "Clear" forgets the connection: a reload must not bring it back from the URL
      for (const [name] of PARAMS) params.delete(name);
      params.delete('run_id');
      const search = params.size ? `?${params}` : '';
      navigate({ pathname: location.pathname, search, hash: location.hash }, { replace: true });
      return;
    }
    if (!requested) return;
    let changed = false;
    const runs = [current.gridSearchId, ...also];
    if (params.getAll('run_id').join('\u0000') !== runs.join('\u0000')) {
      params.delete('run_id');
      for (const gs of runs) params.append('run_id', gs);
      changed = true;
    }
    for (const [name, key] of PARAMS) {
      if (params.get(name) !== current[key]) {
        params.set(name, current[key]);
        changed = true;
      }
    }
    if (changed)
      navigate({ pathname: location.pathname, search: `?${params}`, hash: location.hash }, { replace: true });
  }, [current, requested, report, also, location, navigate]);
}
