import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
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
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      // The body below is already decoded and complete: its framing headers no longer apply.
      if (name === "content-length" || name === "transfer-encoding" || name === "content-encoding") continue;
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    const init: RequestInit & { duplex?: "half" } = {
      method: req.method,
      headers,
      signal,
    };
    if (req.method !== "GET" && req.method !== "HEAD" && Buffer.isBuffer(body)) {
      init.body = body as unknown as BodyInit;
    }
    const request = new Request(new URL(req.url!, options.origin), init);
    const response = await handle(request, loadContext);

    res.statusCode = response.status;
    res.statusMessage = response.statusText;
    for (const [name, value] of response.headers) {
      if (name !== "set-cookie") res.setHeader(name, value);
    }
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader("set-cookie", cookies);
    if (response.body && req.method !== "HEAD") {
      // At the client's pace (write-body.server.ts): a long stream is never buffered whole.
      await writeBody(response.body, res);
    } else {
      res.end();
    }
  };
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
