import type { BackgroundTask } from "~/utils/background.server";
import { logger } from "~/utils/logger.server";
import type { InvoiceData } from "./invoice-data";
import { renderInvoicePdf } from "./render.server";

// Latin, Hangul and CJK text, so every embedded font is loaded and parsed before a customer waits on it.
const sample: InvoiceData = {
  invoiceNumber: "INV-000000",
  issuedAt: new Date(0),
  status: "succeeded",
  currency: "KRW",
  merchant: { name: "Portico", address: null, supportEmail: null, logo: null },
  customer: { name: "김민지 山田太郎", email: "warmup@example.com", address: null, taxId: null },
  lines: [{ description: "Warm-up Żółć", quantity: 1, unitAmount: 1000, taxRateBps: 1000, amount: 1000, tax: 100 }],
  subtotal: 1000,
  tax: 100,
  total: 1100,
  amountRefunded: 0,
  refunds: [],
  paymentMethod: null,
};

let running: Promise<void> | null = null;
let timer: NodeJS.Timeout | null = null;

/**
 * The first react-pdf render loads React-PDF's layout engine and parses the fonts (a 6 MB CJK
 * font among them): done once in the background after start, not by the first customer.
 */
export const pdfWarmup: BackgroundTask = {
  name: "invoice-pdf-warmup",
  start() {
    timer = setTimeout(() => {
      timer = null;
      const started = performance.now();
      running = renderInvoicePdf({ invoice: sample, locale: "ko" })
        .then(() => logger.debug({ ms: Math.round(performance.now() - started) }, "invoice renderer warmed up"))
        .catch((error) => logger.warn({ err: error }, "invoice renderer warm-up failed"));
    }, 50);
    timer.unref();
  },
  async stop() {
    if (timer) clearTimeout(timer);
    await running;
  },
};
