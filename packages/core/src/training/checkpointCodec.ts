import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';

interface Entry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}

/**
 * Named tensors as one file: 4-byte little-endian header length, a JSON header, then the raw
 * values. Plain bytes: a server stores and serves them without ever interpreting them.
 */
export async function encodeTensors(tensors: ReadonlyArray<{ name: string; tensor: tf.Tensor }>): Promise<Uint8Array> {
  const entries: Entry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of tensors) {
    const data = await tensor.data();
    const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    entries.push({
      name,
      shape: tensor.shape,
      dtype: tensor.dtype === 'int32' ? 'int32' : 'float32',
      offset,
      length: bytes.length,
    });
    parts.push(bytes);
    offset += bytes.length;
  }
  const header = new TextEncoder().encode(JSON.stringify({ format: 'mlgym-tensors/1', entries }));
  const out = new Uint8Array(4 + header.length + offset);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let at = 4 + header.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function decodeTensors(bytes: Uint8Array): Array<{ name: string; tensor: tf.Tensor }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  let header: { format?: string; entries: Entry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as typeof header;
  } catch (cause) {
    throw MlgymError.fromIssue({ code: 'STORAGE_CORRUPT', problem: 'a checkpoint file has no valid header' }, cause);
  }
  if (header.format !== 'mlgym-tensors/1')
    throw MlgymError.fromIssue({
      code: 'STORAGE_CORRUPT',
      problem: `unknown checkpoint format ${String(header.format)}`,
    });
  const base = 4 + length;
  return header.entries.map((e) => {
    const raw = bytes.slice(base + e.offset, base + e.offset + e.length);
    const values = e.dtype === 'int32' ? new Int32Array(raw.buffer) : new Float32Array(raw.buffer);
    return { name: e.name, tensor: tf.tensor(values, e.shape, e.dtype) };
  });
}
