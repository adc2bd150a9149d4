import { DomainError, type DomainErrorKind } from "~/models/errors.server";
import { RendererBusyError } from "~/pdf/render-task";
import { RateLimitedError } from "~/utils/rate-limit.server";

export const apiErrorTypes = [
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "idempotency_error",
  "rate_limit_error",
  "api_error",
] as const;
export type ApiErrorType = (typeof apiErrorTypes)[number];

/**
 * An API failure: an HTTP status, a type and a code, rendered as the JSON error object
 * `{"error":{"type","code","message","param"?}}` by `respond.server.ts`. Thrown by the API's own
 * conventions (authentication, parsing, idempotency); every other expected failure becomes one
 * in `asApiError`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly type: ApiErrorType;
  readonly code: string;
  readonly param?: string;
  readonly headers?: Record<string, string>;

  constructor(opts: {
    status: number;
    type: ApiErrorType;
    code: string;
    message: string;
    param?: string;
    headers?: Record<string, string>;
  }) {
    // An answer, never a bug: it is rendered, never logged (`failureAnswer` logs only what is no
    // ApiError), so no stack trace is captured — that was most of what building one cost.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(opts.message);
    Error.stackTraceLimit = stackTraceLimit;
    this.status = opts.status;
    this.type = opts.type;
    this.code = opts.code;
    this.param = opts.param;
    this.headers = opts.headers;
  }

  /** Parameter errors mean the request never started executing: no idempotent result is kept. */
  get isValidation() {
    return this.status === 400 || (this.status === 422 && this.code.startsWith("parameter_"));
  }

  toJSON() {
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(this.param ? { param: this.param } : {}),
      },
    };
  }
}

/** How each kind of domain failure answers on the API. */
const byKind: Record<DomainErrorKind, { status: number; type: ApiErrorType }> = {
  not_found: { status: 404, type: "not_found_error" },
  conflict: { status: 409, type: "invalid_request_error" },
  invalid: { status: 422, type: "invalid_request_error" },
  limit_reached: { status: 422, type: "invalid_request_error" },
  forbidden: { status: 403, type: "permission_error" },
};

/** The API's answer to a domain failure: the one mapping from `DomainError` to HTTP. */
export function fromDomainError(error: DomainError): ApiError {
  // A reused idempotency key is an idempotency_error wherever the key came from (API.md).
  const type = error.code === "idempotency_key_reused" ? "idempotency_error" : byKind[error.kind].type;
  return new ApiError({ ...byKind[error.kind], type, code: error.code, message: error.message, param: error.field });
}

/** The API error an expected failure answers with, or null for a bug (a 500). */
export function asApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) return fromDomainError(error);
  if (error instanceof RateLimitedError) return retryLater(429, "rate_limit_error", "rate_limited", error);
  // Too many first renders of invoice PDFs waiting (app/pdf/pool.server.ts), or shutting down.
  if (error instanceof RendererBusyError) return retryLater(503, "api_error", "renderer_busy", error);
  return null;
}

const retryLater = (status: number, type: ApiErrorType, code: string, error: { message: string; retryAfterS: number }) =>
  new ApiError({ status, type, code, message: error.message, headers: { "Retry-After": String(error.retryAfterS) } });

export const badRequest = (code: string, message: string, param?: string) =>
  new ApiError({ status: 400, type: "invalid_request_error", code, message, param });

export const invalidParam = (param: string, message: string, code = "parameter_invalid") =>
  new ApiError({ status: 422, type: "invalid_request_error", code, message, param });

export const unauthenticated = (message: string) =>
  new ApiError({ status: 401, type: "authentication_error", code: "invalid_api_key", message });
