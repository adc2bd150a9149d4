import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import net from "node:net";
import { ForbiddenAddressError, guardedLookup, isForbiddenAddress } from "./ssrf.server";

export type AttemptResult = {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  delivered: boolean;
};

// Replies are drained up to this much and dropped, so a huge reply costs nothing.
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One HTTP POST of a webhook. Node's http client never follows redirects, so a 3xx is simply a
 * failed attempt; only 2xx counts as delivered. `timeoutMs` bounds the whole attempt (connect,
 * headers and body). With `blockPrivate`, the socket may only connect to public addresses.
 */
export function postWebhook(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  blockPrivate: boolean;
  signal?: AbortSignal;
}): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let onAbort = () => undefined as void;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      const delivered = error === null && statusCode !== null && statusCode >= 200 && statusCode < 300;
      resolve({ statusCode, error, durationMs: elapsed(), delivered });
    };

    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      return finish(null, "invalid URL");
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (opts.blockPrivate && net.isIP(host) && isForbiddenAddress(host)) {
      return finish(null, "refused: the URL points to a private or reserved address");
    }

    const client = url.protocol === "https:" ? https : url.protocol === "http:" ? http : null;
    if (!client) return finish(null, `unsupported protocol ${url.protocol}`);
    const body = Buffer.from(opts.body, "utf8");
    const request = client.request(url, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/json",
        "content-length": String(body.length),
        "user-agent": "Portico-Webhooks/1.0",
        ...opts.headers,
      },
      ...(opts.blockPrivate ? { lookup: guardedLookup } : {}),
    });
    timer = setTimeout(() => {
      finish(null, `timeout after ${opts.timeoutMs} ms`);
      request.destroy();
    }, opts.timeoutMs);
    onAbort = () => {
      finish(null, "aborted: server shutting down");
      request.destroy();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    request.on("response", (response) => {
      // The status line decides the attempt; the reply body is drained (bounded) and dropped.
      const status = response.statusCode ?? null;
      finish(status, status !== null && status >= 300 && status < 400 ? "redirect not followed" : null);
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) request.destroy();
      });
      response.on("error", () => undefined);
      setTimeout(() => request.destroy(), 5000).unref();
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof ForbiddenAddressError || error.code === "EWEBHOOKFORBIDDEN") {
        return finish(null, "refused: the URL resolves to a private or reserved address");
      }
      finish(null, describeError(error));
    });
    request.end(body);
  });
}

function describeError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "CERT_HAS_EXPIRED":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `TLS error: ${error.code}`;
    default:
      return error.code ? `network error: ${error.code}` : "network error";
  }
}
