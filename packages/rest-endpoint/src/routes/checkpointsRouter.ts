import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import express, { Router } from 'express';
import type { Request } from 'express';
import multer from 'multer';
import { MlgymError } from '@mlgym/protocol';
import { digestPath, readDigest, writeAtomic, writeSmallAtomic } from '@mlgym/storage';
import { badRequest, notFound } from '../httpErrors.js';
import { checkpointList, visibleFiles } from '@mlgym/storage';
import type { RestContext } from '../restContext.js';
import { integerName, safeName } from '@mlgym/storage';

interface EpochParams {
  gs: string;
  exp: number;
  epoch: number;
}

function epochParams(req: Request): EpochParams {
  return {
    gs: safeName(req.params['gs'], 'grid_search_id'),
    exp: integerName(req.params['exp'], 'experiment_id'),
    epoch: integerName(req.params['epoch'], 'epoch'),
  };
}

const CHUNKS_PREFIX = '.chunks-';
const MAX_CHUNKS = 100_000;

/** Checkpoints: listing, streamed (range-capable, digest-carrying) download, multipart and chunked upload, deletion. */
export function checkpointsRouter(ctx: RestContext): Router {
  const router = Router();
  const { storage } = ctx;
  const assembling = new Set<string>();

  router.get('/checkpoint_list/:gs/:exp', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    const exp = integerName(req.params['exp'], 'experiment_id');
    res.json(await checkpointList(await storage.checked(gs, exp), exp));
  });

  router.get('/checkpoint_list/:gs/:exp/:epoch', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    res.json([{ experiment_id: exp, epoch, checkpoints: await visibleFiles(await storage.checked(gs, exp, epoch)) }]);
  });

  router.get('/checkpoints/:gs/:exp/:epoch/:resource', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    const resource = safeName(req.params['resource'], 'checkpoint_resource');
    const file = await storage.checked(gs, exp, epoch, resource);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw notFound(`checkpoint ${gs}/${exp}/${epoch}/${resource}`);
    const digest = await readDigest(file);
    if (digest) {
      res.setHeader('X-Checksum-Sha256', digest.sha256);
      res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(digest.sha256, 'hex').toString('base64')}:`);
    }
    if (!req.headers.range) {
      // Whole files in large reads (sendFile's 64 KiB chunks halve the throughput of big checkpoints).
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Length', String(info.size));
      res.setHeader('Accept-Ranges', 'bytes');
      await pipeline(createReadStream(file, { highWaterMark: 4 * 1024 * 1024 }), res);
      return;
    }
    // sendFile answers Range requests (206) itself.
    await new Promise<void>((resolve, reject) => {
      res.sendFile(file, { dotfiles: 'deny', headers: { 'Content-Type': 'application/octet-stream' } }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  });

  const upload = multer({
    storage: {
      _handleFile(req, file, callback) {
        let name: string;
        try {
          name = safeName(file.originalname, 'checkpoint file name');
        } catch (error) {
          file.stream.resume();
          callback(error as Error);
          return;
        }
        const target = join((req as Request & { epochDir: string }).epochDir, name);
        writeAtomic(target, file.stream, ctx.maxUploadBytes).then(
          (written) =>
            callback(null, { path: target, size: written.size, filename: name, destination: written.sha256 }),
          (error: Error) => {
            file.stream.resume();
            callback(error);
          },
        );
      },
      _removeFile(_req, file, callback) {
        unlink(file.path).then(
          () => callback(null),
          () => callback(null),
        );
      },
    },
    // One byte more than the real limit, so writeAtomic (not a silent truncation) reports it.
    limits: { fileSize: ctx.maxUploadBytes + 1, files: 1, fields: 10, fieldSize: 64 * 1024 },
  });

  router.post(
    '/checkpoints/:gs/:exp/:epoch',
    async (req, _res, next) => {
      const { gs, exp, epoch } = epochParams(req);
      (req as Request & { epochDir: string }).epochDir = await storage.ensureDir(gs, exp, epoch);
      next();
    },
    upload.single('checkpoint_file'),
    (req, res) => {
      if (!req.file)
        throw badRequest(
          'the multipart field "checkpoint_file" is missing',
          'a file in the form field checkpoint_file',
        );
      res.json({ file: req.file.filename, size: req.file.size, sha256: req.file.destination });
    },
  );

  // A raw body, streamed straight to disk: the symmetric counterpart of GET, cheaper than multipart.
  router.put('/checkpoints/:gs/:exp/:epoch/:resource', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    const resource = safeName(req.params['resource'], 'checkpoint_resource');
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > ctx.maxUploadBytes) {
      req.resume();
      throw MlgymError.fromIssue({
        code: 'PAYLOAD_TOO_LARGE',
        problem: `upload of ${declared} bytes`,
        expected: `at most ${ctx.maxUploadBytes} bytes`,
      });
    }
    const dir = await storage.ensureDir(gs, exp, epoch);
    const written = await writeAtomic(join(dir, resource), req, ctx.maxUploadBytes);
    res.json({ file: resource, ...written });
  });

  router.delete('/checkpoints/:gs/:exp/:epoch', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    const dir = await storage.checked(gs, exp, epoch);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) throw notFound(`epoch ${gs}/${exp}/${epoch}`);
    await rm(dir, { recursive: true, force: true });
    res.json(null);
  });

  router.delete('/checkpoints/:gs/:exp/:epoch/:resource', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    const resource = safeName(req.params['resource'], 'checkpoint_resource');
    const file = await storage.checked(gs, exp, epoch, resource);
    if (!(await stat(file).catch(() => undefined))?.isFile())
      throw notFound(`checkpoint ${gs}/${exp}/${epoch}/${resource}`);
    await unlink(file);
    await unlink(digestPath(file)).catch(() => undefined);
    const dir = await storage.checked(gs, exp, epoch);
    if ((await readdir(dir)).length === 0) await rm(dir, { recursive: true, force: true });
    res.json(null);
  });

  async function chunkState(
    chunkDir: string,
  ): Promise<{ num_chunks: number; chunk_size: number; received: number[] } | undefined> {
    const meta = await readFile(join(chunkDir, 'meta.json'), 'utf8').catch(() => undefined);
    if (!meta) return undefined;
    const received = (await readdir(chunkDir))
      .filter((n) => /^\d+\.done$/.test(n))
      .map((n) => Number(n.slice(0, -5)))
      .sort((a, b) => a - b);
    return { ...(JSON.parse(meta) as { num_chunks: number; chunk_size: number }), received };
  }

  router.get('/checkpoints/:gs/:exp/:epoch/:resource/chunks', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    const resource = safeName(req.params['resource'], 'checkpoint_resource');
    const state = await chunkState(await storage.checked(gs, exp, epoch, `${CHUNKS_PREFIX}${resource}`));
    if (state) {
      res.json({ ...state, complete: false });
      return;
    }
    const digest = await readDigest(await storage.checked(gs, exp, epoch, resource));
    if (!digest) throw notFound(`chunked upload of ${gs}/${exp}/${epoch}/${resource}`);
    res.json({ complete: true, ...digest });
  });

  /**
   * One chunk of a resumable upload. Chunks are written in place into one partial file (no second
   * copy); a chunk counts as received only once it is synced, so a dropped connection loses at most
   * that chunk. When the last one arrives the file is hashed and renamed into place atomically.
   */
  router.put(
    '/checkpoints/:gs/:exp/:epoch/:resource/chunks/:chunk_id',
    express.raw({ type: () => true, limit: ctx.maxChunkBytes }),
    async (req, res) => {
      const { gs, exp, epoch } = epochParams(req);
      const resource = safeName(req.params['resource'], 'checkpoint_resource');
      const chunkId = integerName(req.params['chunk_id'], 'chunk_id');
      const numChunks = Number(req.query['num_chunks']);
      const chunkSize = Number(req.query['chunk_size'] ?? (numChunks === 1 ? ctx.maxChunkBytes : Number.NaN));
      if (!Number.isInteger(numChunks) || numChunks < 1 || numChunks > MAX_CHUNKS) {
        throw badRequest(
          `num_chunks ${JSON.stringify(req.query['num_chunks'])} is not valid`,
          `an integer in [1, ${MAX_CHUNKS}]`,
        );
      }
      if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > ctx.maxChunkBytes) {
        throw badRequest(
          `chunk_size ${JSON.stringify(req.query['chunk_size'])} is not valid`,
          `the size of every chunk but the last, at most ${ctx.maxChunkBytes} bytes`,
        );
      }
      if (chunkId >= numChunks) throw badRequest(`chunk_id ${chunkId} is outside 0..${numChunks - 1}`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const isLast = chunkId === numChunks - 1;
      if (isLast ? body.length > chunkSize : body.length !== chunkSize) {
        throw badRequest(
          `chunk ${chunkId} has ${body.length} bytes`,
          isLast ? `at most ${chunkSize}` : `exactly ${chunkSize}`,
        );
      }
      if ((numChunks - 1) * chunkSize + (isLast ? body.length : 0) > ctx.maxUploadBytes) {
        throw MlgymError.fromIssue({
          code: 'PAYLOAD_TOO_LARGE',
          problem: 'the assembled file would exceed the upload limit',
          expected: `at most ${ctx.maxUploadBytes} bytes`,
        });
      }
      const epochDir = await storage.ensureDir(gs, exp, epoch);
      const chunkDir = join(epochDir, `${CHUNKS_PREFIX}${resource}`);
      await mkdir(chunkDir, { recursive: true });
      const before = await chunkState(chunkDir);
      if (before && (before.num_chunks !== numChunks || before.chunk_size !== chunkSize)) {
        throw badRequest(
          `this upload was started with num_chunks ${before.num_chunks} and chunk_size ${before.chunk_size}`,
          'the same values',
        );
      }
      if (!before)
        await writeFile(join(chunkDir, 'meta.json'), JSON.stringify({ num_chunks: numChunks, chunk_size: chunkSize }));
      const data = join(chunkDir, 'data');
      const fh = await open(data, 'r+').catch(() => open(data, 'w+'));
      try {
        await fh.write(body, 0, body.length, chunkId * chunkSize);
        if (isLast) await fh.truncate((numChunks - 1) * chunkSize + body.length);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await writeFile(join(chunkDir, `${chunkId}.done`), String(body.length));
      const state = (await chunkState(chunkDir)) as { num_chunks: number; chunk_size: number; received: number[] };
      if (state.received.length < numChunks || assembling.has(chunkDir)) {
        res.json({ ...state, complete: false });
        return;
      }
      assembling.add(chunkDir);
      try {
        const hash = createHash('sha256');
        let size = 0;
        for await (const piece of createReadStream(data)) {
          hash.update(piece as Buffer);
          size += (piece as Buffer).length;
        }
        const target = join(epochDir, resource);
        await rename(data, target);
        const digest = { size, sha256: hash.digest('hex') };
        await writeSmallAtomic(digestPath(target), `${digest.sha256} ${digest.size}\n`);
        await rm(chunkDir, { recursive: true, force: true });
        res.json({ ...state, complete: true, ...digest });
      } finally {
        assembling.delete(chunkDir);
      }
    },
  );

  return router;
}
