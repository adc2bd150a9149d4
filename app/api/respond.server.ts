import { ApiError } from "./errors.server";

export type ApiResult = { status: number; body: unknown; headers?: Record<string, string> };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      ...headers,
    },
  });
}

export function errorResponse(error: ApiError) {
  return jsonResponse(error.status, error.toJSON(), error.headers);
}

export function internalErrorResponse(requestId: string) {
  return jsonResponse(500, {
    error: {
      type: "api_error",
      code: "internal_error",
      message: `An internal error occurred. Request id: ${requestId}`,
    },
  });
}
