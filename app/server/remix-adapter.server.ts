import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { documentBody } from "~/utils/document-body.server";
import { writeBody } from "./write-body.server";

/** Serves one request through Remix: `body` is the request's body, already read under the limit. */
export type RemixServe = (req: IncomingMessage, res: ServerResponse, body: unknown, loadContext: AppLoadContext) => Promise<void>;

/**
 * A small Remix adapter for Node's `http` objects. Unlike @remix-run/express it hands Remix the
 * body that express.raw() already read under the 1 MB limit, so no route can ever read past that
 * limit, and it builds request URLs on PUBLIC_URL rather than trusting the Host header. Used by the
 * front for pages (GET and HEAD) and by Express for everything else it serves
 * (docs/decisions/019-pages-off-express.md).
 */
export function createRemixServe(options: { build: ServerBuild; mode: string; origin: string }): RemixServe {
  const handle = createRequestHandler(options.build, options.mode);
  return async (req, res, body, loadContext) => {
    // Aborted only when the client went away before the response was finished: aborting on
    // every close made each request's signal (and Remix's per-loader copies) fire at the end.
    let controller: AbortController | null = new AbortController();
    const { signal } = controller;
    res.on("finish", () => {
      controller = null;
    });
    res.on("close", () => controller?.abort());
    const request = remixRequest({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body, signal, origin: options.origin });
    const response = await handle(request, loadContext);

    writeRemixHead(res, response.status, response.statusText, response.headers, response.headers.getSetCookie());
    const page = documentBody(response);
    if (page !== undefined) {
      res.end(req.method === "HEAD" ? undefined : page);
    } else if (response.body && req.method !== "HEAD") {
      // At the client's pace (write-body.server.ts): a long stream is never buffered whole.
      await writeBody(response.body, res);
    } else {
      res.end();
    }
  };
}

/** The Fetch Request Remix is handed: on `origin` (PUBLIC_URL), never on the Host header. */
export function remixRequest(from: { method: string; url: string; rawHeaders: string[]; body: unknown; signal: AbortSignal; origin: string }): Request {
  const headers = new Headers();
  for (let i = 0; i < from.rawHeaders.length; i += 2) {
    const name = from.rawHeaders[i].toLowerCase();
    // The body below is already decoded and complete: its framing headers no longer apply.
    if (name === "content-length" || name === "transfer-encoding" || name === "content-encoding") continue;
    headers.append(from.rawHeaders[i], from.rawHeaders[i + 1]);
  }
  const init: RequestInit & { duplex?: "half" } = { method: from.method, headers, signal: from.signal };
  if (from.method !== "GET" && from.method !== "HEAD" && Buffer.isBuffer(from.body)) {
    init.body = from.body as unknown as BodyInit;
  }
  return new Request(new URL(from.url, from.origin), init);
}

/** Remix's status and headers on a Node response (its cookies, `cookies`, as separate Set-Cookie headers; a `set-cookie` among `headers` is skipped). */
export function writeRemixHead(res: ServerResponse, status: number, statusText: string, headers: Iterable<[string, string]>, cookies: string[]) {
  res.statusCode = status;
  res.statusMessage = statusText;
  for (const [name, value] of headers) if (name !== "set-cookie") res.setHeader(name, value);
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
}

/** The same, as the Express app's last route (`req.url` there is the original URL: nothing is mounted). */
export function createRemixHandler(serve: RemixServe, getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext) {
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      await serve(req, res, req.body, getLoadContext(req, res));
    } catch (error) {
      next(error);
    }
  };
}
