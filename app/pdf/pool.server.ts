import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { BackgroundTask } from "~/utils/background.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { PDF_WORKER_FILE, RendererBusyError, type RenderRequest, type RenderResult } from "./render-task";

/** The render thread's old-generation heap cap (V8's default would let it reach ≈ 280 MB). */
const RENDER_HEAP_MB = 96;

export type PdfRendererOptions = {
  /** The worker bundle (`<build>/pdf-worker.js`). */
  filename: string;
  /** Render threads (default 1: on 2 cores the other one stays the event loop's). */
  maxThreads?: number;
  /** An idle thread exits after this long and gives its memory back (default 10 s). */
  idleTimeoutMs?: number;
  /** Renders that may wait for a thread; one more is refused with RendererBusyError (default 64). */
  maxQueue?: number;
  /** Test-only: see worker.server.ts. */
  testGate?: string | null;
};

/**
 * Invoice PDFs rendered in worker threads (piscina), never on the main thread: a render is
 * 10–70 ms of synchronous layout work, and the first one in a thread loads react-pdf and parses
 * the fonts (≈ 0.7 s; a live thread holds ≈ 70 MB). The pool starts no thread until the first
 * render and lets an idle one exit, so a server that serves only cached invoices holds neither.
 */
export function createPdfRenderer(opts: PdfRendererOptions) {
  const maxThreads = opts.maxThreads ?? 1;
  const maxQueue = opts.maxQueue ?? 64;
  let pool: Piscina | null = null;
  let closing = false;
  const inFlight = new Set<Promise<unknown>>();
  return {
    /** Renders one invoice in a worker thread; rejects with RendererBusyError when overloaded. */
    render(request: RenderRequest): Promise<RenderResult> {
      if (closing) return Promise.reject(new RendererBusyError("The invoice renderer is shutting down."));
      if (inFlight.size >= maxThreads + maxQueue) {
        return Promise.reject(new RendererBusyError("Too many invoices are being rendered; try again in a moment."));
      }
      if (!pool) {
        pool = new Piscina({
          filename: opts.filename,
          minThreads: 0,
          maxThreads,
          idleTimeout: opts.idleTimeoutMs ?? 10_000,
          workerData: { testGate: opts.testGate ?? null },
          // V8 grows a busy render thread's heap to ≈ 280 MB before it collects in earnest; the
          // live set is far smaller (renders pass with 64 MB), so cap it: a burst of first
          // renders stays near 130 MB of RSS instead of 300 (README "Invoice PDFs → Renders").
          resourceLimits: { maxOldGenerationSizeMb: RENDER_HEAP_MB, maxYoungGenerationSizeMb: 8 },
        });
        pool.on("workerCreate", () => logger.debug("invoice render thread started"));
        pool.on("workerDestroy", () => logger.debug("invoice render thread exited"));
      }
      const task = pool.run(request) as Promise<RenderResult>;
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task)).catch(() => {});
      return task;
    },
    /** Renders waiting or running now. */
    get pending() {
      return inFlight.size;
    },
    /** Refuses new renders, lets the ones in flight finish, then ends the threads. */
    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
      await pool?.destroy();
      pool = null;
    },
  };
}

export type PdfRenderer = ReturnType<typeof createPdfRenderer>;

// In a build, the worker bundle sits beside the server bundle this module is compiled into.
const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), PDF_WORKER_FILE);
export const pdfRenderer = createPdfRenderer({ filename: workerFile, testGate: env.PORTICO_TEST_PDF_GATE });

/**
 * The renderer as a background task: nothing at start (the first render starts the thread: a warm
 * thread holds ≈ 70 MB, so none is kept around for renders that may not come; see README "Invoice
 * PDFs → Renders"); a graceful shutdown lets renders in flight finish, then ends the threads.
 */
export const pdfRendererTask: BackgroundTask = {
  name: "invoice-pdf-renderer",
  start() {
    // A build made by `npx remix build` alone lacks the worker: say so now, not at the first invoice.
    if (!fs.existsSync(workerFile)) logger.error({ file: workerFile }, "invoice PDF worker missing: build with npm run build");
  },
  stop: () => pdfRenderer.close(),
};
