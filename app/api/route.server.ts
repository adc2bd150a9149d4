import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ApiKey, Merchant } from "#db/schema/index";
import { getActiveApiKey, touchApiKey } from "~/models/api-keys.server";
import type { Actor } from "~/models/audit.server";
import { logger } from "~/utils/logger.server";
import { rateLimiter } from "~/utils/rate-limit.server";
import { writeTransaction } from "~/utils/db.server";
import { ApiError, asApiError, badRequest, unauthenticated } from "./errors.server";
import { requestFingerprint, runIdempotent } from "./idempotency.server";
import { errorResponse, internalErrorResponse, jsonResponse, type ApiResult } from "./respond.server";
import { queryObject, readJsonObject } from "./validation.server";

export type ApiContext = {
  request: Request;
  url: URL;
  params: Record<string, string | undefined>;
  query: Record<string, string>;
  requestId: string;
  clientIp: string;
};
/** A request made with a secret key: its merchant, the key, and the key as the actor of what it changes. */
export type MerchantContext = ApiContext & { merchant: Merchant; apiKey: ApiKey; actor: Actor };
export type WriteContext<C> = C & { body: Record<string, unknown> };

/**
 * A write handler runs synchronously inside one IMMEDIATE transaction together with its
 * idempotency record. Work that must await (signing a token) goes in `prepare`, which runs
 * before the transaction and must not write.
 */
export type WriteHandler<C, P = undefined> =
  | ((ctx: WriteContext<C>) => ApiResult)
  | { prepare: (ctx: WriteContext<C>) => Promise<P>; run: (ctx: WriteContext<C>, prepared: P) => ApiResult };

/**
 * A POST that only reads (a check a merchant's backend makes on its hot path): no transaction and
 * no stored idempotent answer — asking twice is naturally safe.
 */
export type ReadOnlyPost<C> = { readOnly: (ctx: WriteContext<C>) => ApiResult };

type Handlers<C> = {
  GET?: (ctx: C) => ApiResult | Promise<ApiResult>;
  POST?: WriteHandler<C, any> | ReadOnlyPost<C>;
  PUT?: WriteHandler<C, any>;
  PATCH?: WriteHandler<C, any>;
  DELETE?: WriteHandler<C, any>;
};

const MAX_IDEMPOTENCY_KEY = 255;

function baseContext(args: LoaderFunctionArgs | ActionFunctionArgs): ApiContext {
  const url = new URL(args.request.url);
  return {
    request: args.request,
    url,
    params: args.params,
    query: {},
    requestId: args.context.requestId,
    clientIp: args.context.clientIp,
  };
}

export function authenticate(request: Request): { merchant: Merchant; apiKey: ApiKey } {
  const header = request.headers.get("authorization");
  if (!header) throw unauthenticated("No API key provided. Send 'Authorization: Bearer sk_…'.");
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthenticated("Malformed Authorization header. Use 'Authorization: Bearer sk_…'.");
  const found = getActiveApiKey(match[1]);
  if (!found) throw unauthenticated("Invalid API key provided.");
  touchApiKey(found.apiKey.id);
  return found;
}

async function runWrite<C extends ApiContext>(
  handler: WriteHandler<C, unknown> | ReadOnlyPost<C>,
  ctx: WriteContext<C>,
  idempotency: { merchantId: string } | null,
): Promise<Response> {
  const key = ctx.request.headers.get("idempotency-key");
  if (key !== null && idempotency && ctx.request.method === "POST" && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
    throw badRequest("idempotency_key_invalid", "Idempotency-Key must be 1 to 255 characters.");
  }
  if ("readOnly" in handler) {
    const result = handler.readOnly(ctx);
    return jsonResponse(result.status, result.body, result.headers);
  }
  const prepared = typeof handler === "function" ? undefined : await handler.prepare(ctx);
  const execute = () => (typeof handler === "function" ? handler(ctx) : handler.run(ctx, prepared));
  if (key !== null && idempotency && ctx.request.method === "POST") {
    const outcome = runIdempotent({
      merchantId: idempotency.merchantId,
      key,
      requestHash: requestFingerprint(ctx.request.method, ctx.url.pathname, ctx.body),
      execute,
    });
    return jsonResponse(outcome.status, outcome.body, outcome.replayed ? { "Idempotent-Replayed": "true" } : {});
  }
  const result = writeTransaction(execute);
  return jsonResponse(result.status, result.body, result.headers);
}

async function dispatch<C extends ApiContext>(
  handlers: Handlers<C>,
  ctx: C,
  idempotency: { merchantId: string } | null,
): Promise<Response> {
  const method = ctx.request.method === "HEAD" ? "GET" : ctx.request.method;
  ctx.query = queryObject(ctx.url);
  if (method === "GET" && handlers.GET) {
    const result = await handlers.GET(ctx);
    return jsonResponse(result.status, result.body, result.headers);
  }
  const write = handlers[method as "POST" | "PUT" | "PATCH" | "DELETE"];
  if (write && method !== "GET") {
    const body = await readJsonObject(ctx.request);
    return runWrite(write, { ...ctx, body }, idempotency);
  }
  throw new ApiError({
    status: 404,
    type: "invalid_request_error",
    code: "unrecognized_request_url",
    message: `Unrecognized request URL (${ctx.request.method}: ${ctx.url.pathname}).`,
  });
}

function handleFailure(error: unknown, requestId: string): Response {
  const apiError = asApiError(error);
  if (apiError) return errorResponse(apiError);
  if (error instanceof Response) return error;
  logger.error({ err: error, request_id: requestId }, "API handler failed");
  return internalErrorResponse(requestId);
}

/**
 * One merchant API route: key authentication, the per-key rate limit, JSON and query parsing,
 * idempotency, one transaction per write, and every failure as the JSON error object.
 * Export the result as both `loader` and `action`.
 */
export function merchantApiRoute(handlers: Handlers<MerchantContext>) {
  return async (args: LoaderFunctionArgs | ActionFunctionArgs) => {
    const base = baseContext(args);
    try {
      const auth = authenticate(args.request);
      rateLimiter.enforce("api.key", auth.apiKey.id);
      const actor: Actor = { type: "api_key", id: auth.apiKey.id };
      return await dispatch(handlers, { ...base, ...auth, actor }, { merchantId: auth.merchant.id });
    } catch (error) {
      return handleFailure(error, base.requestId);
    }
  };
}

/** A route without an API key (the public license endpoints); limits are the handler's own. */
export function publicApiRoute(handlers: Handlers<ApiContext>) {
  return async (args: LoaderFunctionArgs | ActionFunctionArgs) => {
    const base = baseContext(args);
    try {
      return await dispatch(handlers, base, null);
    } catch (error) {
      return handleFailure(error, base.requestId);
    }
  };
}
