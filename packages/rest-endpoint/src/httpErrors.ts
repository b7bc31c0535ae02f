import type { ErrorRequestHandler } from 'express';
import { MlgymError } from '@mlgym/protocol';
import type { ErrorCode } from '@mlgym/protocol';

/** The one table from error code to HTTP status. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  CONFIG_INVALID: 400,
  EVENT_INVALID: 400,
  STORAGE_PATH_UNSAFE: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  STORAGE_LOCKED: 409,
  PAYLOAD_TOO_LARGE: 413,
  NETWORK_TIMEOUT: 504,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

export function notFound(what: string): MlgymError {
  return MlgymError.fromIssue({ code: 'NOT_FOUND', problem: `${what} does not exist` });
}

export function badRequest(problem: string, expected?: string): MlgymError {
  return MlgymError.fromIssue({ code: 'BAD_REQUEST', problem, expected });
}

/**
 * Every error leaves as JSON `{code, message}` with the status of its code. Unknown errors become
 * a 500 without detail (the stack goes to the server log, never to the client).
 */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    let body: { code: string; message: string };
    let status: number;
    const e = error as { type?: string; status?: number; code?: string; message?: string };
    if (error instanceof MlgymError) {
      status = httpStatusOf(error.code);
      body = { code: error.code, message: error.message };
    } else if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE' || e.code === 'LIMIT_FIELD_VALUE') {
      status = 413;
      body = { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than this server accepts' };
    } else if (e.type === 'entity.parse.failed' || (typeof e.code === 'string' && e.code.startsWith('LIMIT_'))) {
      status = 400;
      body = {
        code: 'BAD_REQUEST',
        message: e.type ? 'the request body is not valid JSON' : `bad multipart upload: ${e.message ?? ''}`,
      };
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      status = e.status;
      body = { code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message: e.message ?? 'bad request' };
    } else {
      log(`ml_board_rest_endpoint: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      status = 500;
      body = { code: 'INTERNAL', message: 'internal server error' };
    }
    res.status(status).json(body);
  };
}
