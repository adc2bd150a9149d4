import path from "node:path";
import { threadId } from "node:worker_threads";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPdfRenderer } from "./pool.server";
import { renderInvoicePdf } from "./render.server";
import { RendererBusyError, type RenderRequest } from "./render-task";
import { PNG_1PX, pdfTextOf, sampleInvoice } from "./test-fixtures";

// The worker bundle of the build the suite made (test/setup/global-setup.ts runs app/cli/build.mjs).
const filename = path.join(inject("buildDir"), "pdf-worker.js");
const renderers: ReturnType<typeof createPdfRenderer>[] = [];
const renderer = (opts: { maxQueue?: number } = {}) => {
  const created = createPdfRenderer({ filename, ...opts });
  renderers.push(created);
  return created;
};
afterAll(() => Promise.all(renderers.map((r) => r.close())));

// Two renders differ only in the creation time and the file id derived from it.
const withoutTimestamps = (pdf: Uint8Array) =>
  Buffer.from(pdf)
    .toString("latin1")
    .replace(/\(D:\d{14}[^)]*\)/g, "(D:…)")
    .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/g, "/ID […]");

const request = (over: Partial<RenderRequest> = {}): RenderRequest => ({ invoice: sampleInvoice(), locale: "ko", brandColor: "#4f46e5", ...over });

describe("the PDF worker pool", () => {
  it("renders in a worker thread the same PDF as the renderer on the calling thread", async () => {
    const pool = renderer();
    const [inWorker, here] = await Promise.all([pool.render(request()), renderInvoicePdf(request())]);
    expect(threadId).toBe(0);
    expect(inWorker.threadId).toBeGreaterThan(0);
    expect(inWorker.logoError).toBeNull();
    // The bytes came back whole in their own ArrayBuffer (transferred, not a view into a pool).
    expect(inWorker.pdf).toBeInstanceOf(Uint8Array);
    expect(inWorker.pdf.byteOffset).toBe(0);
    expect(inWorker.pdf.buffer.byteLength).toBe(inWorker.pdf.byteLength);
    expect(withoutTimestamps(inWorker.pdf)).toBe(withoutTimestamps(here));
    const text = pdfTextOf(inWorker.pdf, "worker-ko");
    expect(text).toBe(pdfTextOf(here, "main-ko"));
    for (const expected of ["김민지", "山田太郎", "Łukasz Żółtowski", "₩23,200", "인보이스 번호"]) expect(text).toContain(expected);
  });

  it("embeds a logo sent across threads, and a logo react-pdf cannot decode does not fail the invoice", async () => {
    const pool = renderer();
    const merchant = sampleInvoice().merchant;
    const logo = { data: Buffer.from(PNG_1PX, "base64"), format: "png" as const };
    const broken = { data: Buffer.concat([logo.data.subarray(0, 16), Buffer.alloc(8)]), format: "png" as const };
    const [withLogo, withBroken] = await Promise.all([
      pool.render(request({ invoice: sampleInvoice({ merchant: { ...merchant, logo } }) })),
      pool.render(request({ invoice: sampleInvoice({ merchant: { ...merchant, logo: broken } }) })),
    ]);
    expect(withLogo.logoError).toBeNull();
    expect(Buffer.from(withLogo.pdf).toString("latin1")).toContain("/Subtype /Image");
    expect(pdfTextOf(withBroken.pdf, "worker-broken-logo")).toContain("INV-000042");
  });

  it("refuses a render beyond its queue, lets renders in flight finish on close, then refuses", async () => {
    const pool = renderer({ maxQueue: 1 });
    // One thread: the first render runs, the second waits, the third finds the queue full.
    const running = pool.render(request());
    const queued = pool.render(request({ locale: "en" }));
    await expect(pool.render(request())).rejects.toBeInstanceOf(RendererBusyError);
    expect(pool.pending).toBe(2);
    const closed = pool.close();
    await expect(pool.render(request())).rejects.toThrow(/shutting down/);
    const [first, second] = await Promise.all([running, queued]);
    await closed;
    expect(pdfTextOf(first.pdf, "closing-ko")).toContain("인보이스 번호");
    expect(pdfTextOf(second.pdf, "closing-en")).toContain("Invoice number");
    expect(pool.pending).toBe(0);
  });
});
