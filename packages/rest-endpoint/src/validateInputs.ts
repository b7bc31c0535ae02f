import type { Express, RequestHandler } from 'express';
import type { z } from 'zod';
import { MlgymError, REST_ROUTES } from '@mlgym/protocol';
import type { MlgymIssue, RestRoute } from '@mlgym/protocol';

function issues(error: z.ZodError, where: 'path' | 'query', code: MlgymIssue['code']): MlgymIssue[] {
  return error.issues.map((issue) => ({
    code,
    keyPath: [where, ...issue.path.map(String)].join('.'),
    problem: issue.message,
  }));
}

/** Checks a request's path parameters and query against its route's schemas (from @mlgym/protocol). */
function validator(route: RestRoute): RequestHandler {
  return function checkInputs(req, _res, next) {
    if (route.params) {
      const parsed = route.params.safeParse(req.params);
      if (!parsed.success) {
        next(
          new MlgymError({ code: 'STORAGE_PATH_UNSAFE', issues: issues(parsed.error, 'path', 'STORAGE_PATH_UNSAFE') }),
        );
        return;
      }
    }
    if (route.query) {
      const parsed = route.query.safeParse(req.query);
      if (!parsed.success) {
        next(new MlgymError({ code: 'BAD_REQUEST', issues: issues(parsed.error, 'query', 'BAD_REQUEST') }));
        return;
      }
    }
    next();
  };
}

/** Mounts the input checks of every route in REST_ROUTES ahead of the handlers. */
export function validateInputs(app: Express): void {
  for (const route of REST_ROUTES) {
    if (route.params || route.query) app[route.method](route.path, validator(route));
  }
}
