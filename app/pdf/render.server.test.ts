import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderInvoicePdf } from "./render.server";
import { PNG_1PX as PNG, pdfOutDir as dir, pdfTextOf as textOf, sampleInvoice as sample } from "./test-fixtures";

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
