import type { IncomingMessage, ServerResponse } from 'node:http';
import { HISTORY_COUNT_HEADER, HISTORY_FIRST_ID_HEADER, SNAPSHOT_NEXT_ID_HEADER, WHOAMI_PATH } from '@mlgym/protocol';
import { bearerToken, hostRefusal, writeRefusal } from '@mlgym/server-security';
import type { AccessControl, HostCheck } from '@mlgym/server-security';
import type { Writer } from './annotationHandler.js';
import { fail, sendJson } from './httpAnswers.js';
import type { ReadCheck } from './historyHandler.js';
import { originAllowed } from './originAllowed.js';

export interface HttpRoutesOptions {
  access: AccessControl;
  /** The Host check of the address listened on. */
  hosts: () => HostCheck;
  allowedOrigins: ReadonlySet<string>;
  history: Route;
  snapshot: Route;
  annotations: (req: IncomingMessage, res: ServerResponse, url: URL, writer: Writer) => Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL, mayRead: ReadCheck) => Promise<void>;

/**
 * The websocket endpoint's HTTP routes beside socket.io (WS_HTTP_ROUTES): `GET /whoami`, `GET /history/<id>`,
 * `GET /snapshot/<id>` and `POST /annotations/<id>`.
 * In order: the Host must name this server (DNS rebinding), a browser's Origin must be allowed, then the token
 * (every route but /whoami) and its scope and grid searches.
 */
export function createHttpRoutes(options: HttpRoutesOptions) {
  const { access } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hosts = options.hosts();
    if (!hosts.allows(req.headers.host)) return writeRefusal(res, hostRefusal(req.headers.host, hosts));
    const origin = req.headers.origin;
    if (!originAllowed(origin, req.headers.host, options.allowedOrigins)) {
      return fail(res, 403, 'UNAUTHORIZED', `origin ${origin} is not allowed`);
    }
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader(
        'access-control-expose-headers',
        `${HISTORY_FIRST_ID_HEADER}, ${HISTORY_COUNT_HEADER}, ${SNAPSHOT_NEXT_ID_HEADER}`,
      );
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      // A page sending its token makes the browser ask first.
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'Authorization, Content-Type',
        'access-control-max-age': '600',
      });
      return void res.end();
    }
    const url = new URL(req.url ?? '/', 'http://endpoint');
    const token = bearerToken(req.headers.authorization);
    if (url.pathname === WHOAMI_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return fail(res, 405, 'BAD_REQUEST', `${req.method} ${WHOAMI_PATH}: only GET is served`);
      }
      return sendJson(res, access.whoami(token));
    }
    const who = access.authenticate(token);
    if (!who.ok) return writeRefusal(res, who);
    const { principal } = who;
    if (url.pathname.startsWith('/annotations/')) {
      return options.annotations(req, res, url, {
        principal,
        mayWrite: (room) => access.authorize(principal, 'write', room, `annotate ${room}`),
      });
    }
    const route = url.pathname.startsWith('/snapshot/') ? options.snapshot : options.history;
    return route(req, res, url, (room) => access.authorize(principal, 'read', room, `read ${room}`));
  };
}
