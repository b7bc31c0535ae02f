/**
 * The process side of a pool or distributed worker (`mlgym _worker`): IPC with the parent, exit
 * codes, signals and environment settings; `@mlgym/core/worker` runs the jobs it is sent.
 */
export async function startJobWorker(): Promise<void> {
  const { runWorker } = await import('@mlgym/core/worker');
  const maxRss = Number(process.env['MLGYM_WORKER_MAX_RSS_MB']);
  process.on('SIGTERM', () => process.exit(143));
  // The parent died (killed, say): nobody is left to report to, and the job will run elsewhere.
  process.on('disconnect', () => process.exit(1));
  runWorker({
    onRequest: (handler) => process.on('message', handler),
    send: (message, sent) => process.send?.(message, () => sent?.()),
    exit: (code) => process.exit(code),
    authToken: process.env['ML_BOARD_AUTH_TOKEN'],
    maxRssMb: Number.isFinite(maxRss) && maxRss > 0 ? maxRss : undefined,
  });
}
