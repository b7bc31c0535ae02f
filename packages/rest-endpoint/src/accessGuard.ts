import type { Express, RequestHandler, Response } from 'express';
import { REST_ROUTES } from '@mlgym/protocol';
import type { AuthErrorBody, RestRoute, TokenScope } from '@mlgym/protocol';
import { bearerToken, hostRefusal, refusalHeaders, refusalStatus } from '@mlgym/server-security';
import type { AccessControl, HostCheck, Principal } from '@mlgym/server-security';

function refuse(res: Response, refusal: AuthErrorBody): void {
  res
    .status(refusalStatus(refusal.code))
    .set(refusalHeaders(refusal.code))
    .set('Cache-Control', 'no-store')
    .json({ code: refusal.code, message: refusal.message });
}

/** Who the request acts as, set by `authenticate` before any route runs. */
export function principalOf(res: Response): Principal {
  return res.locals['principal'] as Principal;
}

/** First of all: a Host that does not name this server (a rebound DNS name) is not served at all. */
export function hostGuard(hosts: HostCheck): RequestHandler {
  return (req, res, next) => {
    if (hosts.allows(req.headers.host)) return next();
    refuse(res, hostRefusal(req.headers.host, hosts));
  };
}

/** `GET /whoami`: answered for the token sent, if any, and never refused for the lack of one. */
export function whoami(access: AccessControl): RequestHandler {
  return (req, res) => {
    res.set('Cache-Control', 'no-store').json(access.whoami(bearerToken(req.headers.authorization)));
  };
}

interface Need {
  scope: TokenScope;
  gs: string | undefined;
  what: string;
}

/** Checks the request's token for `need`; answers the refusal, or keeps the principal for the handlers. */
function check(access: AccessControl, res: Response, need: Need) {
  const result = access.check(bearerToken(res.req.headers.authorization), need.scope, need.gs, need.what);
  if (!result.ok) return void refuse(res, result);
  res.locals['principal'] = result.principal;
  return result.principal;
}

function authorizer(route: RestRoute, scope: TokenScope, access: AccessControl): RequestHandler {
  return function authorizeRoute(req, res, next) {
    const gs = req.params['gs'];
    if (check(access, res, { scope, gs: typeof gs === 'string' ? gs : undefined, what: `${req.method} ${route.path}` }))
      next();
  };
}

/**
 * Mounts each route's check (REST_ROUTES: its scope and, with a `:gs` parameter, the token's grid-search
 * patterns) ahead of every handler, then a floor for any request no listed route checked: a valid token with
 * `read` (GET, HEAD) or `write` (anything else). So nothing is served without a token where tokens are set.
 */
export function authorizeRoutes(app: Express, access: AccessControl): void {
  for (const route of REST_ROUTES) {
    if (route.scope !== null) app[route.method](route.path, authorizer(route, route.scope, access));
  }
  app.use((req, res, next) => {
    if (res.locals['principal'] !== undefined) return next();
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (check(access, res, { scope: reading ? 'read' : 'write', gs: undefined, what: `${req.method} ${req.path}` }))
      next();
  });
}
