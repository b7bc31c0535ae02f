import type { DataType, TensorInfo } from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's backend that kernels over its heap use. */
export interface WasmBackendParts {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object): boolean;
}

export const parts = (backend: unknown) => backend as WasmBackendParts;

/** Byte address of a tensor's data in the wasm heap. */
export const addressOf = (backend: unknown, t: TensorInfo): number =>
  parts(backend).dataIdMap.get(t.dataId).memoryOffset;

/** A new float32 tensor on the wasm heap (uninitialised). */
export const newOutput = (backend: unknown, shape: number[]): TensorInfo => parts(backend).makeOutput(shape, 'float32');

export const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/**
 * How many claims to cut `units` into: about one per `unitsPerClaim` work, at most 128 (enough to
 * even out lanes that run at different speeds on a busy machine), at least one. The cut depends on
 * the shapes only, never on the number of lanes.
 */
export function claimsFor(units: number, workPerUnit: number, minWorkPerClaim = 1 << 18): number {
  const byWork = Math.floor((units * workPerUnit) / minWorkPerClaim);
  return Math.max(1, Math.min(units, 128, byWork));
}
