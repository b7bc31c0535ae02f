import { existsSync } from 'node:fs';
import { join } from 'node:path';
import compression from 'compression';
import express from 'express';
import expressStaticGzip from 'express-static-gzip';
import type { Express } from 'express';
import { createHostCheck, hostRefusal, refusalStatus } from '@mlgym/server-security';
import type { HostCheck } from '@mlgym/server-security';

/** Vite names built assets by content hash: they never change, so browsers may keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The page's Content-Security-Policy. Scripts come only from this server (index.html has no inline script), so an
 * injected `<script>` or `javascript:` never runs. Styles may be inline: MUI (emotion) and AG Grid insert their
 * `<style>` elements at run time. The page talks to whichever endpoints the user chose (Settings, a link), so
 * connections may go to any http(s)/ws(s) URL, never `data:`. Sent with every answer: the socket worker's
 * script carries its own policy.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' http: https: ws: wss:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export interface BoardAppOptions {
  /** Names the board is reached by (loopback names and IP addresses by default; `--allowed_hosts`). */
  hosts?: HostCheck;
}

/**
 * Serves the dashboard build: hashed assets cached for a year, everything else revalidated, and
 * any other GET that wants HTML gets index.html so reloading a page of the app works.
 */
export function createBoardApp(distDir: string, options: BoardAppOptions = {}): Express {
  const hosts = options.hosts ?? createHostCheck();
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`the dashboard build is missing (${index}); run \`npm run build\` first`);
  }
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (hosts.allows(req.headers.host)) return next();
    // A page on a rebound DNS name must not get the board under its own origin.
    const refusal = hostRefusal(req.headers.host, hosts);
    res.status(refusalStatus(refusal.code)).type('text/plain').send(`${refusal.message}\n`);
  });
  app.use(compression());
  // The build holds each file also as .br and .gz (see the dashboard's precompress.ts): sent as
  // they are, they cost no CPU here; compression() still covers what has no such copy.
  app.use(
    expressStaticGzip(distDir, {
      enableBrotli: true,
      orderPreference: ['br', 'gz'],
      index: false,
      serveStatic: {
        index: false,
        setHeaders: (res, path) => {
          res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : 'no-cache');
        },
      },
    }),
  );
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/assets/')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  return app;
}
