import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from '../testApp.js';

const GS = '2023-06-03--10-26-58';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('checkpoints', () => {
  it('uploads multipart checkpoint_file into the original layout and returns the sha256', async () => {
    const { app, root } = await testApp();
    const bytes = randomBytes(100_000);
    const res = await request(app)
      .post(`/checkpoints/${GS}/3/7`)
      .attach('checkpoint_file', bytes, 'model.bin')
      .expect(200);
    expect(res.body).toEqual({ file: 'model.bin', size: 100_000, sha256: sha(bytes) });
    expect(readFileSync(join(root, GS, '3', '7', 'model.bin')).equals(bytes)).toBe(true);
    expect(readdirSync(join(root, GS, '3', '7')).filter((f) => !f.startsWith('.'))).toEqual(['model.bin']);
  });

  it('downloads with digest headers and answers range requests', async () => {
    const { app } = await testApp();
    const bytes = randomBytes(10_000);
    await request(app).post(`/checkpoints/${GS}/0/0`).attach('checkpoint_file', bytes, 'optimizer.bin').expect(200);
    const full = await request(app).get(`/checkpoints/${GS}/0/0/optimizer.bin`).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(full.body as Buffer, bytes)).toBe(0);
    expect(full.headers['x-checksum-sha256']).toBe(sha(bytes));
    expect(full.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha(bytes), 'hex').toString('base64')}:`);
    const part = await request(app)
      .get(`/checkpoints/${GS}/0/0/optimizer.bin`)
      .set('Range', 'bytes=100-199')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(part.body as Buffer, bytes.subarray(100, 200))).toBe(0);
    expect(part.headers['content-range']).toBe('bytes 100-199/10000');
  });

  it('lists epochs newest first by number, and an empty experiment as []', async () => {
    const { app } = await testApp();
    await request(app).get(`/checkpoint_list/${GS}/0`).expect(200, []);
    for (const epoch of [2, 10, 9]) {
      await request(app).post(`/checkpoints/${GS}/0/${epoch}`).attach('checkpoint_file', Buffer.from('m'), 'model.bin');
      await request(app)
        .post(`/checkpoints/${GS}/0/${epoch}`)
        .attach('checkpoint_file', Buffer.from('o'), 'optimizer.bin');
    }
    const res = await request(app).get(`/checkpoint_list/${GS}/0`).expect(200);
    expect(res.body).toEqual(
      [10, 9, 2].map((epoch) => ({ experiment_id: 0, epoch, checkpoints: ['model.bin', 'optimizer.bin'] })),
    );
    expect((await request(app).get(`/checkpoint_list/${GS}/0/9`).expect(200)).body).toEqual([
      { experiment_id: 0, epoch: 9, checkpoints: ['model.bin', 'optimizer.bin'] },
    ]);
  });

  it('deletes one file (the epoch goes when empty) or a whole epoch; 404 when absent', async () => {
    const { app, root } = await testApp();
    await request(app).post(`/checkpoints/${GS}/1/4`).attach('checkpoint_file', Buffer.from('a'), 'model.bin');
    await request(app).post(`/checkpoints/${GS}/1/5`).attach('checkpoint_file', Buffer.from('b'), 'model.bin');
    await request(app).delete(`/checkpoints/${GS}/1/4/model.bin`).expect(200);
    expect(existsSync(join(root, GS, '1', '4'))).toBe(false);
    await request(app).delete(`/checkpoints/${GS}/1/4/model.bin`).expect(404);
    await request(app).delete(`/checkpoints/${GS}/1/5`).expect(200);
    expect(existsSync(join(root, GS, '1', '5'))).toBe(false);
    await request(app).delete(`/checkpoints/${GS}/1/5`).expect(404);
  });

  it('stores a chunked upload atomically once all chunks are in, and resumes after a lost chunk', async () => {
    const { app, root } = await testApp();
    const bytes = randomBytes(300_000);
    const chunks = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 200_000), bytes.subarray(200_000)];
    const url = `/checkpoints/${GS}/2/0/model.bin/chunks`;
    await request(app)
      .put(`${url}/0?num_chunks=3&chunk_size=100000`)
      .set('Content-Type', 'application/octet-stream')
      .send(chunks[0])
      .expect(200);
    // chunk 1 "dropped": the client asks what arrived and sends the rest.
    await request(app)
      .put(`${url}/2?num_chunks=3&chunk_size=100000`)
      .set('Content-Type', 'application/octet-stream')
      .send(chunks[2])
      .expect(200);
    expect(existsSync(join(root, GS, '2', '0', 'model.bin'))).toBe(false);
    const state = await request(app).get(url).expect(200);
    expect(state.body).toEqual({ num_chunks: 3, chunk_size: 100_000, received: [0, 2], complete: false });
    const last = await request(app)
      .put(`${url}/1?num_chunks=3&chunk_size=100000`)
      .set('Content-Type', 'application/octet-stream')
      .send(chunks[1])
      .expect(200);
    expect(last.body).toMatchObject({ complete: true, size: 300_000, sha256: sha(bytes) });
    expect(readFileSync(join(root, GS, '2', '0', 'model.bin')).equals(bytes)).toBe(true);
    expect((await request(app).get(`/checkpoint_list/${GS}/2/0`)).body[0].checkpoints).toEqual(['model.bin']);
    expect((await request(app).get(url).expect(200)).body).toEqual({
      complete: true,
      sha256: sha(bytes),
      size: 300_000,
    });
    await request(app).put(`${url}/5?num_chunks=3&chunk_size=100000`).send(Buffer.from('x')).expect(400);
  });

  it('refuses uploads over the limit with 413 and keeps nothing', async () => {
    const { app, root } = await testApp({ maxUploadBytes: 1000, maxChunkBytes: 500 });
    const res = await request(app)
      .post(`/checkpoints/${GS}/0/0`)
      .attach('checkpoint_file', randomBytes(5000), 'model.bin')
      .expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    // multer answers as soon as the limit is hit; the upload's temporary goes a moment later.
    const epochDir = join(root, GS, '0', '0');
    expect(readdirSync(epochDir).filter((f) => !f.startsWith('.upload-'))).toEqual([]);
    for (let i = 0; i < 500 && readdirSync(epochDir).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(epochDir)).toEqual([]);
    await request(app)
      .put(`/checkpoints/${GS}/0/0/model.bin/chunks/0?num_chunks=1&chunk_size=600`)
      .set('Content-Type', 'application/octet-stream')
      .send(randomBytes(600))
      .expect(413);
    const missing = await request(app).post(`/checkpoints/${GS}/0/0`).field('other', 'x').expect(400);
    expect(missing.body.message).toMatch(/checkpoint_file/);
  });
});

function binary(
  res: NodeJS.ReadableStream & { setEncoding(e: string): void },
  callback: (e: Error | null, b: Buffer) => void,
) {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => callback(null, Buffer.concat(parts)));
}
