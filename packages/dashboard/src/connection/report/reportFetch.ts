/**
 * The REST endpoint of a report: the stored files the report carries (`files`, by their path under the grid
 * search), answered as the endpoint answers them; anything else (checkpoints, model cards) is not in it: 404. No
 * request leaves the page.
 */
export function createReportFetch(gridSearchId: string, files: Readonly<Record<string, string>>): typeof fetch {
  const gs = encodeURIComponent(gridSearchId);
  const answer = (status: number, body: string, type = 'application/json') =>
    new Response(body, { status, headers: { 'content-type': type } });
  const missing = (what: string) =>
    answer(404, JSON.stringify({ code: 'NOT_FOUND', message: `${what} is not in this report` }));
  const file = (key: string) => {
    const text = files[key];
    if (text === undefined) return missing(key);
    return answer(200, text, key.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8');
  };
  // as the endpoint names them: `run_config` is run_config.yml, `experiment_config` experiment_config.json
  const named = (name: string, extension: string) => (/\.(ya?ml|json)$/.test(name) ? name : `${name}${extension}`);
  return async (input) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const path = url.pathname.split('/').map(decodeURIComponent);
    // ['', 'grid_searches', gs, name] or ['', 'grid_searches', gs, exp, name]; ['', 'system-info', gs, exp]
    if (path[1] === 'grid_searches' && encodeURIComponent(path[2] ?? '') === gs) {
      if (path.length === 4) return file(named(path[3] as string, '.yml'));
      if (path.length === 5 && /^\d+$/.test(path[3] as string))
        return file(`${path[3]}/${named(path[4] as string, '.json')}`);
    }
    if (path[1] === 'system-info' && path.length === 4) return file(`${path[3]}/system_info.json`);
    if (path[1] === 'checkpoint_list') return answer(200, '[]');
    return missing(url.pathname);
  };
}
