import express from 'express';
import type { Express, RequestHandler } from 'express';
import { MlgymError, WHOAMI_PATH } from '@mlgym/protocol';
import { createAccessControl, createHostCheck } from '@mlgym/server-security';
import type { AccessControl } from '@mlgym/server-security';
import { authorizeRoutes, hostGuard, whoami } from './accessGuard.js';
import { errorHandler } from './httpErrors.js';
import { openApiDocument } from './openapi.js';
import { validateInputs } from './validateInputs.js';
import type { RestContext } from './restContext.js';
import { checkpointsRouter } from './routes/checkpointsRouter.js';
import { configsRouter } from './routes/configsRouter.js';
import { metricsRouter } from './routes/metricsRouter.js';
import { modelCardRouter } from './routes/modelCardRouter.js';
import { ExperimentListing, StorageRoot } from '@mlgym/storage';

export interface RestAppOptions {
  /** The event storage folder (`--event_storage_path`). */
  storagePath: string;
  /** Tokens and their scopes (`createAccessControl`). @default open: no token needed (loopback use) */
  access?: AccessControl | undefined;
  /** Shorthand for `access: createAccessControl({token})`: one admin token, needed for every request. */
  authToken?: string | undefined;
  /** The interface listened on (`--host`): a name there is one clients reach the server by. @default 127.0.0.1 */
  host?: string | undefined;
  /** More names clients reach the server by (`--allowed_hosts`; DNS-rebinding defence). */
  allowedHosts?: readonly string[] | undefined;
  /** Browser origins allowed to call the API. @default [] */
  corsAllowedOrigins?: readonly string[];
  /** Largest single checkpoint file. @default 4 GiB */
  maxUploadBytes?: number;
  /** Largest chunk of a chunked upload, and largest JSON body. @default 64 MiB */
  maxChunkBytes?: number;
  log?: (line: string) => void;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Range');
      res.setHeader('Access-Control-Expose-Headers', 'X-Checksum-Sha256, Repr-Digest, Content-Range, Accept-Ranges');
    }
    if (req.method === 'OPTIONS') {
      res.status(origin && allowed.has(origin) ? 204 : 403).end();
      return;
    }
    // A page elsewhere could still send a "simple" POST (a multipart upload) without a preflight:
    // writes from a browser must come from an allowed origin or the same one.
    if (
      origin &&
      req.method !== 'GET' &&
      req.method !== 'HEAD' &&
      !allowed.has(origin) &&
      !sameOrigin(origin, req.headers.host)
    ) {
      res.status(403).json({ code: 'UNAUTHORIZED', message: `writes from the origin ${origin} are not allowed` });
      return;
    }
    next();
  };
}

const EXPERIMENT_WRITE = /^\/(?:grid_searches|checkpoints)\/([^/]+)\/(0|[1-9]\d{0,8})(?:\/|$)/;

/**
 * Tells the experiments listing about every write to an experiment as its answer goes out, so the
 * client's next listing shows it (the directory watch would tell it too, a moment later).
 */
function noteWrites(listing: ExperimentListing): RequestHandler {
  return (req, res, next) => {
    const match = req.method === 'GET' || req.method === 'HEAD' ? null : EXPERIMENT_WRITE.exec(req.path);
    if (match) {
      let gs: string;
      try {
        gs = decodeURIComponent(match[1] as string);
      } catch {
        next();
        return;
      }
      const exp = Number(match[2]);
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.end = ((...args: unknown[]) => {
        listing.changed(gs, exp);
        return end(...args);
      }) as typeof res.end;
    }
    next();
  };
}

/**
 * The MLboard REST endpoint as an express app (no listen): the original's 13 routes and storage
 * layout, plus chunked uploads, digests, range downloads, a grid-search list, metric export,
 * `/openapi.json` and `/whoami`. In front of every route: the Host check, CORS, the token and the
 * route's scope and grid search. Call `init()` before serving.
 */
export function createRestApp(options: RestAppOptions): Express & { init: () => Promise<void> } {
  const storage = new StorageRoot(options.storagePath);
  const access = options.access ?? createAccessControl({ token: options.authToken });
  const ctx: RestContext = {
    storage,
    access,
    listing: new ExperimentListing(storage),
    maxUploadBytes: options.maxUploadBytes ?? 4 * 1024 ** 3,
    maxChunkBytes: options.maxChunkBytes ?? 64 * 1024 ** 2,
    log: options.log ?? (() => undefined),
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(hostGuard(createHostCheck({ bindHost: options.host ?? '127.0.0.1', allowedHosts: options.allowedHosts })));
  app.use(cors(options.corsAllowedOrigins ?? []));
  app.get(WHOAMI_PATH, whoami(access));
  authorizeRoutes(app, access);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.use(noteWrites(ctx.listing));
  validateInputs(app);
  app.use(configsRouter(ctx));
  app.use(checkpointsRouter(ctx));
  app.use(modelCardRouter(ctx));
  app.use(metricsRouter(ctx));
  app.use((req, _res, next) => {
    next(
      MlgymError.fromIssue({
        code: 'NOT_FOUND',
        problem: `no route ${req.method} ${req.path}`,
        hint: 'See /openapi.json',
      }),
    );
  });
  app.use(errorHandler(ctx.log));
  return Object.assign(app, { init: () => storage.init() });
}
