import { z } from 'zod';

/*
 * The board runs under a Content-Security-Policy without 'unsafe-eval'. zod compiles object schemas
 * with `new Function` when it may, and probes whether it may by trying: under such a policy even the
 * caught probe is reported as a violation. Imported first by every entry point (the page and the
 * socket worker), before any schema is built: zod reads this when a schema is made.
 */
z.config({ jitless: true });
