import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceProvider } from "~/components/nonce";
import { documentResponse } from "~/utils/document-body.server";
import { logger } from "~/utils/logger.server";

/**
 * A page is rendered whole, with renderToString, and sent in one piece: status and headers are
 * final, and no page here suspends (no `defer`, `<Await>`, `lazy` or `<Suspense>`), so a
 * stream would only be waited for to the end (`onAllReady`) anyway.
 *
 * Not renderToPipeableStream: React 18's stream puts NUL bytes into the page wherever a
 * multi-byte character meets the end of its 2 KB chunk (react#31134; Korean pages had them), and
 * encoding and gathering its chunks was ≈ 11 % of a billing page's CPU (issue 13). A render that
 * throws rejects here as the stream's onShellError did, and Remix renders the error boundary.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  const html = renderToString(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceProvider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // renderToString writes no document type (the stream wrote one before <html>).
  // Its bytes beside the Response, not in a body (app/utils/document-body.server.ts).
  return documentResponse(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}

export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  if (error instanceof Response) return;
  logger.error({ err: error, request_id: context.requestId }, "unhandled route error");
};
