import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { InvoiceData } from "./invoice-data";
import { tempDir } from "../../test/setup/own-database";

/** For the PDF tests only: a Korean customer's partly refunded KRW invoice with Hangul, CJK and Polish text. */
export const sampleInvoice = (over: Partial<InvoiceData> = {}): InvoiceData => ({
  invoiceNumber: "INV-000042",
  issuedAt: new Date("2025-03-04T10:00:00Z"),
  status: "partially_refunded",
  currency: "KRW",
  merchant: {
    name: "Acme Łódź",
    address: { line1: "1 Main St", city: "Seoul", postal_code: "04524", country: "KR" },
    supportEmail: "help@acme.example",
    logo: null,
  },
  customer: { name: "김민지", email: "minji@example.com", address: { line1: "山田太郎 ビル 3F", city: "東京", country: "JP" }, taxId: "123-45-67890" },
  lines: [
    { description: "Pro plan for Łukasz Żółtowski", quantity: 1, unitAmount: 12000, taxRateBps: 1000, amount: 12000, tax: 1200 },
    { description: "추가 좌석 (山田太郎)", quantity: 2, unitAmount: 5000, taxRateBps: 0, amount: 10000, tax: 0 },
  ],
  subtotal: 22000,
  tax: 1200,
  total: 23200,
  amountRefunded: 1000,
  refunds: [{ createdAt: new Date("2025-03-05T00:00:00Z"), amount: 1000, reason: "중복 결제" }],
  paymentMethod: { type: "card", brand: "visa", last4: "4242" },
  ...over,
});

/** A 1×1 PNG. */
export const PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** Where the PDF tests write their files (INVOICE_PDF_OUT keeps them for a look). */
export const pdfOutDir = process.env.INVOICE_PDF_OUT ?? tempDir("invoice-render-");

/** The PDF's text as `pdftotext -layout` extracts it (the file stays in pdfOutDir as `<name>.pdf`). */
export function pdfTextOf(pdf: Uint8Array, name: string) {
  const file = path.join(pdfOutDir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}
