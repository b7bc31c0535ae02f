import type { Express, RequestHandler, Response } from 'express';
import { REST_ROUTES } from '@mlgym/protocol';
import type { AuthErrorBody, RestRoute } from '@mlgym/protocol';
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

/**
 * Every request past /whoami needs a valid token where tokens are set, and at least `read` (GET, HEAD) or
 * `write` (anything else): the floor for any route, listed or not. The route's own scope and its grid search
 * are checked by `authorizeRoutes`.
 */
export function authenticate(access: AccessControl): RequestHandler {
  return (req, res, next) => {
    const reading = req.method === 'GET' || req.method === 'HEAD';
    const result = access.check(
      bearerToken(req.headers.authorization),
      reading ? 'read' : 'write',
      undefined,
      `${req.method} ${req.path}`,
    );
    if (!result.ok) return refuse(res, result);
    res.locals['principal'] = result.principal;
    next();
  };
}

function authorizer(
  route: RestRoute & { scope: NonNullable<RestRoute['scope']> },
  access: AccessControl,
): RequestHandler {
  return function authorizeRoute(req, res, next) {
    const gs = req.params['gs'];
    const refusal = access.authorize(
      principalOf(res),
      route.scope,
      typeof gs === 'string' ? gs : undefined,
      `${req.method} ${route.path}`,
    );
    if (refusal) return refuse(res, refusal);
    next();
  };
}

/** Mounts each route's scope and grid-search check (from REST_ROUTES) ahead of its handler. */
export function authorizeRoutes(app: Express, access: AccessControl): void {
  for (const route of REST_ROUTES) {
    if (route.scope !== null) app[route.method](route.path, authorizer({ ...route, scope: route.scope }, access));
  }
}
