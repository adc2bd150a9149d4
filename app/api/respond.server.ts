import { ApiError } from "./errors.server";

/** What a handler returns: a status and a body written as JSON. */
export type ApiResult = { status: number; body: unknown; headers?: Record<string, string> };

/** A binary answer (the invoice PDF): its bytes, with exactly these headers. */
export type ApiFile = { status: number; bytes: Uint8Array; headers: Record<string, string> };

/** A complete answer, as it goes on the wire: every header of its own and the body's bytes. */
export type ApiAnswer = { status: number; headers: Record<string, string>; body: string | Uint8Array };

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer {
  return {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

export function fileAnswer(file: ApiFile): ApiAnswer {
  return { status: file.status, headers: file.headers, body: file.bytes };
}

export function errorAnswer(error: ApiError) {
  return jsonAnswer(error.status, error.toJSON(), error.headers);
}

export function internalErrorAnswer(requestId: string) {
  return jsonAnswer(500, {
    error: {
      type: "api_error",
      code: "internal_error",
      message: `An internal error occurred. Request id: ${requestId}`,
    },
  });
}

/** The answer as a Fetch `Response`, for the one API route Remix still serves (`app/routes/api.$.ts`). */
export function toResponse(answer: ApiAnswer): Response {
  return new Response(answer.body as BodyInit, { status: answer.status, headers: answer.headers });
}
