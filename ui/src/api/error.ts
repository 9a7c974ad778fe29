// Normalises every failure of a core call into an ApiError {code, message}.
import type { ApiError, ErrorCode } from './types';

/** The codes the core sends (generated `ErrorCode`); the UI has a localised text for each. */
export const API_ERROR_CODES: readonly ErrorCode[] = [
  'invalid-bundle',
  'not-found',
  'bad-request',
  'no-catalog',
  'storage',
  'disk-full',
  'search',
  'internal',
  'rate-limited',
  'busy',
  'unauthorized',
  'config',
];

/** A code from the wire, or `internal` when it is none the core documents. */
function knownCode(code: string): ErrorCode {
  return (API_ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'internal';
}

/** What a failed call rejects with: an Error (for stack traces) that is also an ApiError. */
export class ApiCallError extends Error implements ApiError {
  readonly code: ErrorCode;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiCallError';
    this.code = knownCode(code);
  }
}

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Turns whatever a transport threw into an ApiCallError; unknown shapes become `internal`. */
export function toApiError(value: unknown): ApiCallError {
  if (value instanceof ApiCallError) return value;
  if (isApiError(value)) return new ApiCallError(value.code, value.message);
  if (typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string') {
    return new ApiCallError((value as { code: string }).code, '');
  }
  if (value instanceof Error) return new ApiCallError('internal', value.message);
  return new ApiCallError('internal', typeof value === 'string' ? value : 'unknown error');
}
