import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "~/components/nonce";
import { logger } from "~/utils/logger.server";

const ABORT_DELAY = 5000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  return new Promise<Response>((resolve, reject) => {
    let failed = false;
    // The timer holds the whole render (React's request, the loaders' data) until it fires: cleared
    // as soon as the render is complete or has failed, so a finished page is not kept for 5 s.
    const timer = setTimeout(() => abort(), ABORT_DELAY);
    // Pages are small: wait for everything, so status codes and headers are final.
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          clearTimeout(timer);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          // Everything is ready, so the page is written in one go: React's many small chunks are
          // gathered into one buffer (one write to the socket, no stream of streams per page).
          const chunks: Buffer[] = [];
          const collect = new Writable({
            write(chunk: Buffer, _encoding, done) {
              chunks.push(chunk);
              done();
            },
            final(done) {
              resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: failed ? 500 : responseStatusCode }));
              done();
            },
          });
          collect.on("error", reject);
          pipe(collect);
        },
        onShellError(error) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error) {
          failed = true;
          logger.error({ err: error, request_id: loadContext.requestId }, "render failed");
        },
      },
    );
  });
}

export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  if (error instanceof Response) return;
  logger.error({ err: error, request_id: context.requestId }, "unhandled route error");
};
