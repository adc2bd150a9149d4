import type { LoaderFunctionArgs } from "@remix-run/node";
import type { ApiKey, Merchant } from "#db/schema/index";
import { getActiveApiKey, touchApiKey } from "~/models/api-keys.server";
import type { Actor } from "~/models/audit.server";
import { logger } from "~/utils/logger.server";
import { rateLimiter } from "~/utils/rate-limit.server";
import { groupCommit } from "~/utils/db.server";
import { ApiError, asApiError, badRequest, unauthenticated } from "./errors.server";
import { requestFingerprint, runIdempotent } from "./idempotency.server";
import {
  errorAnswer,
  fileAnswer,
  internalErrorAnswer,
  jsonAnswer,
  toResponse,
  type ApiAnswer,
  type ApiFile,
  type ApiResult,
} from "./respond.server";
import { parseJsonObject, queryObject } from "./validation.server";

/**
 * One API request, whoever received it: the lean router (`app/api/router.server.ts`, from
 * Express's request) or Remix (`app/routes/api.$.ts`, from a Fetch `Request`).
 */
export type ApiRequest = {
  method: string;
  url: URL;
  /** A header by its lower-case name; several of one name joined by ", " (as Fetch's `Headers.get`). */
  header: (name: string) => string | null;
  /** The body as text (UTF-8, a byte order mark dropped); empty when there is none. */
  text: () => string | Promise<string>;
  requestId: string;
  clientIp: string;
};

export type ApiContext = {
  method: string;
  url: URL;
  header: ApiRequest["header"];
  params: Record<string, string | undefined>;
  query: Record<string, string>;
  requestId: string;
  clientIp: string;
};
/** A request made with a secret key: its merchant, the key, and the key as the actor of what it changes. */
export type MerchantContext = ApiContext & { merchant: Merchant; apiKey: ApiKey; actor: Actor };
export type WriteContext<C> = C & { body: Record<string, unknown> };

/**
 * A write handler runs synchronously in a savepoint of its own, together with its idempotency
 * record, inside an IMMEDIATE transaction it may share with other requests' writes (group
 * commit). Work that must await (signing a token) goes in `prepare`, which runs before the
 * transaction and must not write.
 */
export type WriteHandler<C, P = undefined> =
  | ((ctx: WriteContext<C>) => ApiResult)
  | { prepare: (ctx: WriteContext<C>) => Promise<P>; run: (ctx: WriteContext<C>, prepared: P) => ApiResult };

/**
 * A POST that only reads (a check a merchant's backend makes on its hot path): no transaction and
 * no stored idempotent answer — asking twice is naturally safe.
 */
export type ReadOnlyPost<C> = { readOnly: (ctx: WriteContext<C>) => ApiResult };

/** One path's handlers by method. HEAD is answered by GET (without the body). */
export type Handlers<C> = {
  GET?: (ctx: C) => ApiResult | ApiFile | Promise<ApiResult | ApiFile>;
  POST?: WriteHandler<C, any> | ReadOnlyPost<C>;
  PUT?: WriteHandler<C, any>;
  PATCH?: WriteHandler<C, any>;
  DELETE?: WriteHandler<C, any>;
};

/**
 * One line of the route table (`app/api/routes/index.ts`): a path under `/api/v1` (`:name` for a
 * parameter) and how it authenticates. `key`: a secret key, the per-key rate limit and the
 * conventions below; `public`: the same conventions without a key (limits are the handler's
 * own); `document`: answered as it is, no key and no conventions (the OpenAPI document).
 */
export type ApiRoute =
  | { path: string; auth: "key"; methods: Handlers<MerchantContext> }
  | { path: string; auth: "public"; methods: Handlers<ApiContext> }
  | { path: string; auth: "document"; GET: () => ApiAnswer };

const MAX_IDEMPOTENCY_KEY = 255;

export function authenticate(header: ApiRequest["header"]): { merchant: Merchant; apiKey: ApiKey } {
  const value = header("authorization");
  if (!value) throw unauthenticated("No API key provided. Send 'Authorization: Bearer sk_…'.");
  const match = /^Bearer\s+(\S+)$/i.exec(value);
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
): Promise<ApiAnswer> {
  const key = ctx.header("idempotency-key");
  if (key !== null && idempotency && ctx.method === "POST" && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
    throw badRequest("idempotency_key_invalid", "Idempotency-Key must be 1 to 255 characters.");
  }
  if ("readOnly" in handler) {
    const result = handler.readOnly(ctx);
    return jsonAnswer(result.status, result.body, result.headers);
  }
  const prepared = typeof handler === "function" ? undefined : await handler.prepare(ctx);
  const execute = () => (typeof handler === "function" ? handler(ctx) : handler.run(ctx, prepared));
  // Each write is one group-commit unit (its own savepoint in a shared transaction): awaited, it
  // answers only once the COMMIT holding it returned.
  if (key !== null && idempotency && ctx.method === "POST") {
    const requestHash = requestFingerprint(ctx.method, ctx.url.pathname, ctx.body);
    const outcome = await groupCommit(() => runIdempotent({ merchantId: idempotency.merchantId, key, requestHash, execute }));
    if ("failed" in outcome) throw outcome.failed;
    return jsonAnswer(outcome.status, outcome.body, outcome.replayed ? { "Idempotent-Replayed": "true" } : {});
  }
  const result = await groupCommit(execute);
  return jsonAnswer(result.status, result.body, result.headers);
}

function unrecognized(ctx: { method: string; url: URL }) {
  return new ApiError({
    status: 404,
    type: "invalid_request_error",
    code: "unrecognized_request_url",
    message: `Unrecognized request URL (${ctx.method}: ${ctx.url.pathname}).`,
  });
}

async function dispatch<C extends ApiContext>(
  handlers: Handlers<C>,
  ctx: C,
  request: ApiRequest,
  idempotency: { merchantId: string } | null,
): Promise<ApiAnswer> {
  const method = ctx.method === "HEAD" ? "GET" : ctx.method;
  ctx.query = queryObject(ctx.url);
  if (method === "GET" && handlers.GET) {
    const result = await handlers.GET(ctx);
    return "bytes" in result ? fileAnswer(result) : jsonAnswer(result.status, result.body, result.headers);
  }
  const write = handlers[method as "POST" | "PUT" | "PATCH" | "DELETE"];
  if (write && method !== "GET") {
    const body = parseJsonObject(await request.text());
    return runWrite(write, { ...ctx, body }, idempotency);
  }
  throw unrecognized(ctx);
}

function failureAnswer(error: unknown, requestId: string): ApiAnswer {
  const apiError = asApiError(error);
  if (apiError) return errorAnswer(apiError);
  logger.error({ err: error, request_id: requestId }, "API handler failed");
  return internalErrorAnswer(requestId);
}

/**
 * The answer to one API request for the route the path matched (null: none did): key
 * authentication and the per-key rate limit, JSON and query parsing, idempotency, one
 * group-committed unit per write, and every failure as the JSON error object.
 */
export async function answerApiRequest(
  route: ApiRoute | null,
  params: Record<string, string | undefined>,
  request: ApiRequest,
): Promise<ApiAnswer> {
  // The document takes no part in the conventions (a query string is not even parsed); as a
  // Remix loader it answered OPTIONS too.
  if (route?.auth === "document" && (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS")) return route.GET();
  const base: ApiContext = {
    method: request.method,
    url: request.url,
    header: request.header,
    params,
    query: {},
    requestId: request.requestId,
    clientIp: request.clientIp,
  };
  try {
    if (route?.auth === "key") {
      const auth = authenticate(request.header);
      rateLimiter.enforce("api.key", auth.apiKey.id);
      const actor: Actor = { type: "api_key", id: auth.apiKey.id };
      return await dispatch(route.methods, { ...base, ...auth, actor }, request, { merchantId: auth.merchant.id });
    }
    return await dispatch(route?.auth === "public" ? route.methods : {}, base, request, null);
  } catch (error) {
    return failureAnswer(error, base.requestId);
  }
}

/**
 * Remix's loader and action for any `/api/*` path outside `/api/v1` (which the lean router
 * answers before Remix sees it): the API's JSON 404, never the HTML page.
 */
export async function unclaimedApiPath({ request, context }: LoaderFunctionArgs) {
  const answer = await answerApiRequest(null, {}, {
    method: request.method,
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
    text: () => request.text(),
    requestId: context.requestId,
    clientIp: context.clientIp,
  });
  return toResponse(answer);
}
