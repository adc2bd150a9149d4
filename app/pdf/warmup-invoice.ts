import type { RenderRequest } from "./render-task";

/** Latin, Hangul and CJK text, so every embedded font is loaded and parsed before a customer waits on it. */
export const warmupInvoice: RenderRequest = {
  locale: "ko",
  brandColor: null,
  invoice: {
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
  },
};
