import { describe, expect, it } from "vitest";
import { en } from "~/i18n/en";
import { ko } from "~/i18n/ko";
import { contrastOnWhite, titleColor } from "./color";
import { invoiceFilename, invoiceHeaders } from "./filename";
import { paymentMethodText } from "./invoice-document";
import { INVOICE_LAYOUT_VERSION, invoiceDocumentVersion, invoiceLabels } from "./labels";
import { logoFromUrl, MAX_LOGO_BYTES } from "./logo";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]).toString("base64");

describe("logoFromUrl", () => {
  it.each([
    ["png data URL", `data:image/png;base64,${PNG}`, "png"],
    ["jpeg data URL", `data:image/jpeg;base64,${JPEG}`, "jpg"],
    ["jpg alias", `data:image/jpg;base64,${JPEG}`, "jpg"],
    ["https URL (never fetched)", "https://cdn.example/logo.png", null],
    ["svg data URL", "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", null],
    ["png declared, jpeg bytes", `data:image/png;base64,${JPEG}`, null],
    ["not base64", "data:image/png,hello", null],
    ["empty", "", null],
    ["null", null, null],
    ["too big", `data:image/png;base64,${Buffer.concat([Buffer.from(PNG, "base64"), Buffer.alloc(MAX_LOGO_BYTES)]).toString("base64")}`, null],
  ])("%s", (_name, url, format) => {
    expect(logoFromUrl(url)?.format ?? null).toBe(format);
  });
});

describe("invoiceFilename", () => {
  it.each([
    [{ invoiceNumber: "INV-000001", merchantSlug: "acme" }, "acme-INV-000001.pdf"],
    [{ invoiceNumber: "INV-000001" }, "INV-000001.pdf"],
    [{ invoiceNumber: "INV-000001", merchantSlug: null }, "INV-000001.pdf"],
    [{ invoiceNumber: "INV/001\"x", merchantSlug: "acme" }, "acme-INV-001-x.pdf"],
    [{ invoiceNumber: "인보이스", merchantSlug: "acme" }, "acme-invoice.pdf"],
  ])("%o → %s", (input, expected) => {
    expect(invoiceFilename(input)).toBe(expected);
  });

  it("downloads as a private, unsniffed attachment", () => {
    expect(invoiceHeaders({ filename: "acme-INV-000001.pdf", byteLength: 123 })).toEqual({
      "Content-Type": "application/pdf",
      "Content-Length": "123",
      "Content-Disposition": 'attachment; filename="acme-INV-000001.pdf"',
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    });
  });
});

describe("titleColor", () => {
  it.each([
    ["#4f46e5", "#4f46e5"], // indigo: 6.3:1
    ["#000", "#000"],
    ["#ffff00", "#111827"], // yellow on white: 1.07:1
    ["#ffffff", "#111827"],
    ["red", "#111827"], // not a hex color
    [null, "#111827"],
  ])("%s → %s", (brand, expected) => {
    expect(titleColor(brand)).toBe(expected);
  });

  it("computes WCAG contrast", () => {
    expect(contrastOnWhite("#000000")).toBeCloseTo(21, 5);
    expect(contrastOnWhite("#ffffff")).toBeCloseTo(1, 5);
    expect(contrastOnWhite("#777777")).toBeCloseTo(4.48, 2);
  });
});

describe("invoice labels", () => {
  it("fills every label from the catalogue in each language", () => {
    for (const locale of ["en", "ko"] as const) {
      const labels = invoiceLabels(locale);
      for (const [key, value] of Object.entries(labels)) {
        if (typeof value === "string") expect(value, `${locale}.${key}`).not.toMatch(/^invoice\./);
      }
      expect(labels.endingIn("4242")).toContain("4242");
      expect(labels.questions("help@acme.example")).toContain("help@acme.example");
    }
    expect(invoiceLabels("en").billedTo).toBe(en.invoice.billedTo);
    expect(invoiceLabels("ko").billedTo).toBe(ko.invoice.billedTo);
    expect(invoiceLabels("ko").billedTo).not.toBe(invoiceLabels("en").billedTo);
  });

  it("names payment methods in the invoice's language", () => {
    expect(paymentMethodText({ type: "card", brand: "visa", last4: "4242" }, invoiceLabels("en"))).toBe("Card Visa ending in 4242");
    expect(paymentMethodText({ type: "upi", brand: null, last4: null }, invoiceLabels("ko"))).toBe("UPI");
    expect(paymentMethodText({ type: "bank_transfer", brand: null, last4: null }, invoiceLabels("ko"))).toBe("계좌 이체");
    expect(paymentMethodText(null, invoiceLabels("en"))).toBeNull();
  });

  it("versions the cached document by layout and by each language's labels", () => {
    expect(invoiceDocumentVersion("en")).toMatch(new RegExp(`^${INVOICE_LAYOUT_VERSION}\\.[0-9a-f]{12}$`));
    expect(invoiceDocumentVersion("ko")).not.toBe(invoiceDocumentVersion("en"));
    expect(invoiceDocumentVersion("en")).toBe(invoiceDocumentVersion("en"));
  });
});
