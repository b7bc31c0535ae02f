import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import type { Request } from 'express';
import { ChunkUploadQuerySchema, MlgymError } from '@mlgym/protocol';
import { checkDigests, chunkedUploadState, integerName, readDigest, receiveChunk, safeName } from '@mlgym/storage';
import type { ChunkedUploadMeta } from '@mlgym/storage';
import { badRequest, notFound } from '../httpErrors.js';
import type { RestContext } from '../restContext.js';
import { declaredDigests } from '../uploadDigests.js';

const MAX_CHUNKS = 100_000;

/** Resumable uploads in chunks over HTTP; the chunk store and assembly are @mlgym/storage's (receiveChunk). */
export function chunkedUploadRouter(
  ctx: RestContext,
  epochParams: (req: Request) => { gs: string; exp: number; epoch: number },
): Router {
  const router = Router();
  const { storage } = ctx;

  router.get('/checkpoints/:gs/:exp/:epoch/:resource/chunks', async (req, res) => {
    const { gs, exp, epoch } = epochParams(req);
    const resource = safeName(req.params['resource'], 'checkpoint_resource');
    const state = await chunkedUploadState(storage, { gs, exp, epoch, resource });
    if (state) {
      res.json({
        num_chunks: state.meta.num_chunks,
        chunk_size: state.meta.chunk_size,
        received: state.received,
        complete: false,
      });
      return;
    }
    const digest = await readDigest(await storage.checked(gs, exp, epoch, resource), storage.realRoot);
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
      // Shapes were checked against ChunkUploadQuerySchema before this handler; the limits are this server's.
      const query = ChunkUploadQuerySchema.parse(req.query);
      const numChunks = query.num_chunks;
      const chunkSize = query.chunk_size ?? (numChunks === 1 ? ctx.maxChunkBytes : Number.NaN);
      const declared = query.sha256;
      if (numChunks > MAX_CHUNKS) {
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
      // The digest headers of a chunk describe that chunk's bytes.
      const chunkSha = createHash('sha256').update(body).digest('hex');
      const expected = declaredDigests(req.headers);
      checkDigests(expected, {
        sha256: chunkSha,
        ...(expected.some((e) => e.algorithm === 'sha512')
          ? { sha512: createHash('sha512').update(body).digest('hex') }
          : {}),
      });
      const meta: ChunkedUploadMeta = { num_chunks: numChunks, chunk_size: chunkSize, sha256: declared };
      const result = await receiveChunk(storage, { gs, exp, epoch, resource }, { meta, chunkId, body, chunkSha });
      res.json(result);
    },
  );
  return router;
}
