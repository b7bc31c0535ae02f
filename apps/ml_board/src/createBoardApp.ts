import { existsSync } from 'node:fs';
import { join } from 'node:path';
import compression from 'compression';
import express from 'express';
import expressStaticGzip from 'express-static-gzip';
import type { Express } from 'express';

/** Vite names built assets by content hash: they never change, so browsers may keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the dashboard build: hashed assets cached for a year, everything else revalidated, and
 * any other GET that wants HTML gets index.html so reloading a page of the app works.
 */
export function createBoardApp(distDir: string): Express {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`the dashboard build is missing (${index}); run \`npm run build\` first`);
  }
  const app = express();
  app.disable('x-powered-by');
  app.use(compression());
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
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
