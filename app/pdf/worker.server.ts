/**
 * The PDF worker: the entry of `<build>/pdf-worker.js` (bundled by `app/cli/build.mjs`), run in
 * worker threads by the pool in `pool.server.ts`. It is the only code that loads react-pdf and the
 * fonts; the main thread never does. One task = one invoice rendered from plain data.
 */
import fs from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol, workerData } from "piscina";
import { renderInvoicePdf } from "./render.server";
import type { RenderRequest, RenderResult } from "./render-task";

// Test-only (PORTICO_TEST_PDF_GATE, never in production): while `<gate>/closed` exists a render
// holds its thread at the start, as a long render would, and says so with an `entered-*` file.
const gate = (workerData as { testGate?: string | null } | undefined)?.testGate ?? null;
const nap = new Int32Array(new SharedArrayBuffer(4));
let entered = 0;

function holdAtTestGate() {
  if (!gate) return;
  fs.writeFileSync(path.join(gate, `entered-${threadId}-${++entered}`), "");
  // Blocks this thread (as CPU-bound rendering does); on the main thread it would stall the server.
  while (fs.existsSync(path.join(gate, "closed"))) Atomics.wait(nap, 0, 0, 10);
}

export default async function render(request: RenderRequest) {
  holdAtTestGate();
  const started = performance.now();
  let logoError: string | null = null;
  const invoice = request.invoice.merchant.logo
    ? // The structured clone turns the logo's Buffer into a plain Uint8Array: react-pdf wants a Buffer.
      { ...request.invoice, merchant: { ...request.invoice.merchant, logo: { ...request.invoice.merchant.logo, data: Buffer.from(request.invoice.merchant.logo.data) } } }
    : request.invoice;
  const pdf = await renderInvoicePdf(
    { invoice, locale: request.locale, brandColor: request.brandColor },
    { onLogoDropped: (error) => (logoError = error instanceof Error ? error.message : String(error)) },
  );
  const result: RenderResult = { pdf, logoError, threadId, renderMs: Math.round(performance.now() - started) };
  return move({ [transferableSymbol]: pdf.buffer, [valueSymbol]: result });
}
