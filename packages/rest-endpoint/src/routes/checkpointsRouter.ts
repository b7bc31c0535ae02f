import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import express, { Router } from 'express';
import type { Request } from 'express';
import multer from 'multer';
import { MlgymError } from '@mlgym/protocol';
import { digestPath, readDigest, writeAtomic } from '../atomicWrite.js';
import { badRequest, notFound } from '../httpErrors.js';
import { checkpointList, visibleFiles } from '../listing.js';
import type { RestContext } from '../restContext.js';
import { integerName, safeName } from '../storageRoot.js';

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
    // sendFile streams the file and answers Range requests (206) itself.
    await new Promise<void>((resolve, reject) => {
      res.sendFile(file, { dotfiles: 'deny', headers: { 'Content-Type': 'application/octet-stream' } }, (error) => (error ? reject(error) : resolve()));
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
          (written) => callback(null, { path: target, size: written.size, filename: name, destination: written.sha256 }),
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
      if (!req.file) throw badRequest('the multipart field "checkpoint_file" is missing', 'a file in the form field checkpoint_file');
      res.json({ file: req.file.filename, size: req.file.size, sha256: req.file.destination });
    },
  );

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
    if (!(await stat(file).catch(() => undefined))?.isFile()) throw notFound(`checkpoint ${gs}/${exp}/${epoch}/${resource}`);
    await unlink(file);
    await unlink(digestPath(file)).catch(() => undefined);
    const dir = await storage.checked(gs, exp, epoch);
    if ((await readdir(dir)).length === 0) await rm(dir, { recursive: true, force: true });
    res.json(null);
  });

  async function chunkState(chunkDir: string): Promise<{ num_chunks: number; received: number[] } | undefined> {
    const meta = await readFile(join(chunkDir, 'meta.json'), 'utf8').catch(() => undefined);
    if (!meta) return undefined;
    const received = (await readdir(chunkDir)).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
    return { num_chunks: (JSON.parse(meta) as { num_chunks: number }).num_chunks, received };
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

  router.put(
    '/checkpoints/:gs/:exp/:epoch/:resource/chunks/:chunk_id',
    express.raw({ type: () => true, limit: ctx.maxChunkBytes }),
    async (req, res) => {
      const { gs, exp, epoch } = epochParams(req);
      const resource = safeName(req.params['resource'], 'checkpoint_resource');
      const chunkId = integerName(req.params['chunk_id'], 'chunk_id');
      const numChunks = Number(req.query['num_chunks']);
      if (!Number.isInteger(numChunks) || numChunks < 1 || numChunks > MAX_CHUNKS) {
        throw badRequest(`num_chunks ${JSON.stringify(req.query['num_chunks'])} is not valid`, `an integer in [1, ${MAX_CHUNKS}]`);
      }
      if (chunkId >= numChunks) throw badRequest(`chunk_id ${chunkId} is outside 0..${numChunks - 1}`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const epochDir = await storage.ensureDir(gs, exp, epoch);
      const chunkDir = join(epochDir, `${CHUNKS_PREFIX}${resource}`);
      await mkdir(chunkDir, { recursive: true });
      const before = await chunkState(chunkDir);
      if (before && before.num_chunks !== numChunks) {
        throw badRequest(`this upload was started with num_chunks ${before.num_chunks}`, `num_chunks ${before.num_chunks}`);
      }
      if (!before) await writeFile(join(chunkDir, 'meta.json'), JSON.stringify({ num_chunks: numChunks }));
      await writeAtomic(join(chunkDir, String(chunkId)), body, ctx.maxChunkBytes);
      const state = (await chunkState(chunkDir)) as { num_chunks: number; received: number[] };
      const key = `${chunkDir}`;
      if (state.received.length < numChunks || assembling.has(key)) {
        res.json({ ...state, complete: false });
        return;
      }
      assembling.add(key);
      try {
        async function* parts(): AsyncGenerator<Buffer> {
          for (let i = 0; i < numChunks; i++) yield* createReadStream(join(chunkDir, String(i)));
        }
        const written = await writeAtomic(join(epochDir, resource), Readable.from(parts()), ctx.maxUploadBytes);
        await rm(chunkDir, { recursive: true, force: true });
        res.json({ ...state, complete: true, ...written });
      } catch (error) {
        throw error instanceof MlgymError ? error : new Error(`assembling ${resource} failed: ${(error as Error).message}`);
      } finally {
        assembling.delete(key);
      }
    },
  );

  return router;
}
