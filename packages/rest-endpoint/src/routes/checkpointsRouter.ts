import { constants } from 'node:fs';
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { Request } from 'express';
import multer from 'multer';
import { MlgymError } from '@mlgym/protocol';
import { digestOf, digestPath, serialized, writeAtomic } from '@mlgym/storage';
import { badRequest, notFound } from '../httpErrors.js';
import { checkpointList, visibleFiles } from '@mlgym/storage';
import type { RestContext } from '../restContext.js';
import { integerName, safeName } from '@mlgym/storage';
import { declaredDigests } from '../uploadDigests.js';
import { chunkedUploadRouter } from './chunkedUpload.js';

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

/** Checkpoints: listing, streamed (range-capable, digest-carrying) download, multipart and chunked upload, deletion. */
export function checkpointsRouter(ctx: RestContext): Router {
  const router = Router();
  const { storage } = ctx;

  router.get('/checkpoint_list/:gs/:exp', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    const exp = integerName(req.params['exp'], 'experiment_id');
    res.json(await checkpointList(await storage.checked(gs, exp), exp));
  });

  router.get('/checkpoint_list/:gs/:exp/:epoch', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    res.json([{ experiment_id: exp, epoch, checkpoints: await visibleFiles(await storage.checked(gs, exp, epoch)) }]);
  });

  /**
   * Bytes and digest of one version: the file is opened once (no symlink), the digest recorded for
   * that very version (inode, size, mtime) is sent, and the bytes are streamed from the same
   * descriptor, so a concurrent overwrite can never pair one version's digest with another's bytes.
   */
  router.get('/checkpoints/:gs/:exp/:epoch/:resource', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    const resource = safeName(req.params['resource'], 'checkpoint_resource');
    const file = await storage.checked(gs, exp, epoch, resource);
    const fh = await storage.open(file, constants.O_RDONLY).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'STORAGE_PATH_UNSAFE') throw error;
      throw notFound(`checkpoint ${gs}/${exp}/${epoch}/${resource}`);
    });
    let streaming = false;
    try {
      const info = await fh.stat({ bigint: true });
      if (!info.isFile()) throw notFound(`checkpoint ${gs}/${exp}/${epoch}/${resource}`);
      const size = Number(info.size);
      const digest = await digestOf(file, info, storage.realRoot);
      if (digest) {
        res.setHeader('X-Checksum-Sha256', digest.sha256);
        res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(digest.sha256, 'hex').toString('base64')}:`);
      }
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Accept-Ranges', 'bytes');
      const ranges = req.headers.range ? req.range(size) : undefined;
      if (ranges === -1) {
        res.setHeader('Content-Range', `bytes */${size}`);
        res.status(416).end();
        return;
      }
      let start = 0;
      let end = size - 1;
      // One satisfiable byte range gets a 206; several (or a malformed header) get the whole file.
      if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
        start = (ranges[0] as { start: number }).start;
        end = (ranges[0] as { end: number }).end;
        res.status(206);
        res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
      }
      res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
      if (req.method === 'HEAD' || size === 0) {
        res.end();
        return;
      }
      // Whole files in large reads (64 KiB chunks halve the throughput of big checkpoints).
      const stream = fh.createReadStream({ start, end, highWaterMark: 4 * 1024 * 1024 });
      streaming = true;
      await pipeline(stream, res);
    } finally {
      if (!streaming) await fh.close();
    }
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
        let expected;
        try {
          // For a multipart upload the digest headers describe the file, not the multipart body.
          expected = declaredDigests(req.headers);
        } catch (error) {
          file.stream.resume();
          callback(error as Error);
          return;
        }
        writeAtomic(target, file.stream, ctx.maxUploadBytes, expected).then(
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
    const expected = declaredDigests(req.headers);
    const dir = await storage.ensureDir(gs, exp, epoch);
    const written = await writeAtomic(join(dir, resource), req, ctx.maxUploadBytes, expected);
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
    await serialized(file, async () => {
      await unlink(file);
      await unlink(digestPath(file)).catch(() => undefined);
    });
    const dir = await storage.checked(gs, exp, epoch);
    if ((await readdir(dir)).length === 0) await rm(dir, { recursive: true, force: true });
    res.json(null);
  });

  router.use(chunkedUploadRouter(ctx, epochParams));

  return router;
}
