export type ApiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "idempotency_error"
  | "rate_limit_error"
  | "api_error";

/**
 * An expected API failure. Thrown from models and routes alike (it rolls back the surrounding
 * transaction) and turned into the JSON error object of API.md in exactly one place.
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
    super(opts.message);
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

export const badRequest = (code: string, message: string, param?: string) =>
  new ApiError({ status: 400, type: "invalid_request_error", code, message, param });

export const invalidParam = (param: string, message: string, code = "parameter_invalid") =>
  new ApiError({ status: 422, type: "invalid_request_error", code, message, param });

export const unprocessable = (code: string, message: string, param?: string) =>
  new ApiError({ status: 422, type: "invalid_request_error", code, message, param });

export const notFound = (what: string, id?: string, param?: string) =>
  new ApiError({
    status: 404,
    type: "not_found_error",
    code: "resource_missing",
    message: id ? `No such ${what}: '${id}'` : `No such ${what}.`,
    param,
  });

export const conflict = (code: string, message: string, param?: string) =>
  new ApiError({ status: 409, type: "invalid_request_error", code, message, param });

export const unauthenticated = (message: string) =>
  new ApiError({ status: 401, type: "authentication_error", code: "invalid_api_key", message });

export const forbidden = (code: string, message: string) =>
  new ApiError({ status: 403, type: "permission_error", code, message });
