import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/** A connection starts reading into a small slab, and into large ones once a read fills all the room it had. */
const SMALL_SLAB = 64 * 1024;
const LARGE_SLAB = 4 * 1024 * 1024;
/** Slabs a connection keeps for reuse (the one being filled and the one before it). */
const KEPT = 2;

interface Slab {
  bytes: Buffer;
  /** Filled by reads up to here. */
  used: number;
  /** Released up to here: every byte before it was parsed, and copied away where it was body. */
  released: number;
}

const slabOf = new WeakMap<ArrayBufferLike, Slab>();

/**
 * Says that `chunk` (a piece of a response body, copied away by the caller) and every byte before
 * it in its slab are done with, so that the slab may take new reads. Other memory is ignored.
 */
export function releaseChunk(chunk: Uint8Array): void {
  const slab = slabOf.get(chunk.buffer);
  if (!slab || chunk.byteOffset < slab.bytes.byteOffset) return;
  slab.released = Math.max(slab.released, chunk.byteOffset - slab.bytes.byteOffset + chunk.byteLength);
}

function newSlab(size: number): Slab {
  const slab = { bytes: Buffer.allocUnsafeSlow(size), used: 0, released: 0 };
  slabOf.set(slab.bytes.buffer, slab);
  return slab;
}

/**
 * undici's own connector (connect timeout, TCP keep-alive, TLS with the system's and
 * NODE_EXTRA_CA_CERTS's authorities), with one change for plain TCP: the socket reads as much as
 * the kernel holds, up to a few MB per read, into slabs (net.connect's `onread`), and hands each
 * read to undici's parser as one chunk. A node socket otherwise reads 64 KiB at a time, so a large
 * checkpoint costs some 1,600 reads, parser calls and buffers per 100 MB; this way about 30. A slab
 * is reused once every byte in it was released (`releaseChunk`): fresh memory costs a page fault
 * per 4 KiB, which on this kind of VM is as much as the copy itself.
 * TLS sockets read whole TLS records anyway and keep undici's defaults.
 */
export function largeReadConnector(connectTimeoutMs: number): buildConnector.connector {
  const tls = buildConnector({ timeout: connectTimeoutMs });
  return (options, callback) => {
    if (options.protocol === 'https:') return tls(options, callback);
    const slabs: Slab[] = [newSlab(SMALL_SLAB)];
    let current = slabs[0] as Slab;
    let wanted = SMALL_SLAB;
    let socket: Socket | undefined;
    const nextBuffer = (): Buffer => {
      if (current.bytes.length - current.used >= current.bytes.length / 16) return current.bytes.subarray(current.used);
      const free = slabs.find((s) => s !== current && s.released === s.used && s.bytes.length >= wanted);
      if (free) {
        free.used = free.released = 0;
        current = free;
      } else {
        current = newSlab(wanted);
        slabs.push(current);
        if (slabs.length > KEPT) slabs.shift();
      }
      return current.bytes;
    };
    buildConnector({
      timeout: connectTimeoutMs,
      onread: {
        buffer: nextBuffer,
        // The bytes stay where the kernel put them; the next read goes after them in the slab.
        // Returning false stops reading until undici asks for more (the stream's own back-pressure).
        callback: (bytes: number, buffer: Uint8Array) => {
          current.used += bytes;
          // A read that took all the room it had left more waiting: the bulk of a large body.
          if (bytes === buffer.length) wanted = LARGE_SLAB;
          return socket?.push(Buffer.from(buffer.buffer, buffer.byteOffset, bytes)) ?? false;
        },
      },
    })(options, (...result) => {
      socket = result[1] ?? undefined;
      callback(...result);
    });
  };
}
