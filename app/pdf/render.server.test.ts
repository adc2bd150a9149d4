import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { InvoiceData } from "./invoice-data";
import { renderInvoicePdf } from "./render.server";

// A 1×1 PNG.
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const sample = (over: Partial<InvoiceData> = {}): InvoiceData => ({
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

const dir = process.env.INVOICE_PDF_OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), "invoice-render-"));
function textOf(pdf: Uint8Array, name: string) {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}
const fontsOf = (name: string) => execFileSync("pdffonts", [path.join(dir, `${name}.pdf`)], { encoding: "utf8" });

describe("renderInvoicePdf", () => {
  it("renders Hangul, CJK ideographs, Polish and ₩ amounts with embedded, subset Noto fonts", async () => {
    const pdf = await renderInvoicePdf({ invoice: sample(), locale: "en", brandColor: "#4f46e5" });
    const text = textOf(pdf, "en-krw");
    for (const expected of ["김민지", "山田太郎", "Łukasz Żółtowski", "Acme Łódź", "₩12,000", "₩23,200", "-₩1,000", "INV-000042", "Invoice number", "Visa ending in 4242", "중복 결제", "March 4, 2025"]) {
      expect(text).toContain(expected);
    }
    const fonts = fontsOf("en-krw");
    expect(fonts).toMatch(/\+NotoSans-Regular/);
    expect(fonts).toMatch(/\+NotoSansKR/);
    expect(fonts).not.toMatch(/Helvetica/);
    // Subset: a few glyphs of a 6 MB CJK font, not the font.
    expect(pdf.byteLength).toBeLessThan(200_000);
  });

  it("uses the Korean labels and Korean number and date formats for ko", async () => {
    const text = textOf(await renderInvoicePdf({ invoice: sample(), locale: "ko" }), "ko-krw");
    for (const expected of ["인보이스 번호", "청구 대상", "합계", "환불 내역", "부분 환불", "₩23,200", "2025년 3월 4일", "끝자리 4242"]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain("Invoice number");
  });

  it("formats each currency with its own minor unit: USD 2, JPY 0, KWD 3, INR in ₹", async () => {
    const cases: [string, string][] = [
      ["USD", "$120.00"],
      ["JPY", "¥12,000"],
      ["KWD", "KWD 12.000"],
      ["INR", "₹120.00"],
    ];
    for (const [currency, expected] of cases) {
      const text = textOf(await renderInvoicePdf({ invoice: sample({ currency }), locale: "en" }), `en-${currency}`);
      expect(text.replace(/\u00a0/g, " ")).toContain(expected);
    }
  });

  it("embeds a data-URL logo, and a logo the PDF library cannot decode never fails the invoice", async () => {
    const logo = { data: Buffer.from(PNG, "base64"), format: "png" as const };
    const withLogo = await renderInvoicePdf({ invoice: sample({ merchant: { ...sample().merchant, logo } }), locale: "en" });
    const without = await renderInvoicePdf({ invoice: sample(), locale: "en" });
    expect(Buffer.from(withLogo).toString("latin1")).toContain("/Subtype /Image");
    expect(Buffer.from(without).toString("latin1")).not.toContain("/Subtype /Image");
    const broken = { data: Buffer.concat([Buffer.from(PNG, "base64").subarray(0, 16), Buffer.alloc(8)]), format: "png" as const };
    const pdf = await renderInvoicePdf({ invoice: sample({ merchant: { ...sample().merchant, logo: broken } }), locale: "en" });
    expect(textOf(pdf, "broken-logo")).toContain("INV-000042");
  });
});
