import type { Locale } from "~/i18n/index";
import type { InvoiceData } from "./invoice-data";

/**
 * One render, as the main thread hands it to a PDF worker: plain data that survives the
 * structured clone (Dates and the logo's bytes included). The worker never opens the database.
 */
export type RenderRequest = { invoice: InvoiceData; locale: Locale; brandColor: string | null };

/** What a worker answers: the PDF (its ArrayBuffer transferred, not copied) and what to log. */
export type RenderResult = {
  pdf: Uint8Array<ArrayBuffer>;
  /** The message of a logo error: the invoice was rendered without its logo. */
  logoError: string | null;
  /** The worker thread that rendered (the main thread's id is 0). */
  threadId: number;
  renderMs: number;
};

/** The worker bundle beside the server bundle in a build (`app/cli/build.mjs` writes it). */
export const PDF_WORKER_FILE = "pdf-worker.js";

/** Too many first renders waiting, or the server is shutting down: answer 503, try again soon. */
export class RendererBusyError extends Error {
  readonly retryAfterS = 1;
  constructor(message: string) {
    super(message);
    this.name = "RendererBusyError";
  }
}
