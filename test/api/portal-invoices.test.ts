import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../setup/api";
import type { TestServer } from "../setup/server";
import { startWithTwoMerchants } from "./merchant-helpers";
import { readDb, request, sessionCookie, writeDb } from "./portal-helpers";
import { tempDir } from "../setup/own-database";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

let server: TestServer;
let api: ApiClient;
let otherApi: ApiClient;
let apiKey: string;
let minji: string;
let taro: string;
let krw: { id: string; invoice_number: string };
let usd: { id: string; invoice_number: string };
let otherMerchantPayment: { id: string };

type Download = { status: number; headers: Headers; bytes: Buffer };

const tmp = tempDir("portal-invoices-");
let files = 0;
function pdfText(bytes: Buffer) {
  const file = path.join(tmp, `${files++}.pdf`);
  fs.writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).replace(/\u00a0/g, " ");
}
const isPdf = (bytes: Buffer) => bytes.subarray(0, 5).toString("latin1") === "%PDF-";

/** Mints a redirect link through the API and exchanges it like a browser: the session cookie. */
async function signIn(customerId: string, body: Record<string, unknown> = {}, client = api) {
  const ps = await client.post(`/customers/${customerId}/portal-sessions`, body);
  expect(ps.status).toBe(201);
  const res = await request(ps.body.url);
  expect(res.status).toBe(303);
  return sessionCookie(res)!;
}

async function download(paymentId: string, cookie?: string, headers: Record<string, string> = {}): Promise<Download> {
  const res = await fetch(`${server.url}/portal/invoices/${paymentId}`, {
    headers: { ...headers, ...(cookie ? { Cookie: cookie } : {}) },
    redirect: "manual",
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function apiDownload(paymentId: string, query = "") {
  const res = await fetch(`${server.url}/api/v1/payments/${paymentId}/invoice${query}`, { headers: { Authorization: `Bearer ${apiKey}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

const cachedRows = (paymentId: string) =>
  readDb<{ locale: string; amount_refunded: number; version: string }>(
    server.dbFile,
    "select locale, amount_refunded, version from invoice_documents where payment_id = ? order by locale, amount_refunded",
    paymentId,
  );

async function pay(customerId: string, body: Record<string, unknown>, client = api) {
  const res = await client.post("/payments", { customer_id: customerId, status: "succeeded", ...body });
  expect(res.status).toBe(201);
  return res.body;
}

beforeAll(async () => {
  ({ server, api, otherApi, merchant: { apiKey } } = await startWithTwoMerchants({ env: { RATE_LIMIT_SCALE: "100" } }));
  expect(
    (await api.patch("/portal-settings", { branding: { logo_url: `data:image/png;base64,${PNG}`, support_email: "billing@acme.example", brand_color: "#4f46e5" } })).status,
  ).toBe(200);
  minji = (
    await api.post("/customers", {
      email: "minji@example.com",
      name: "김민지",
      billing_address: { line1: "서울특별시 중구 세종대로 110", city: "Seoul", postal_code: "04524", country: "KR" },
      tax_id: "123-45-67890",
    })
  ).body.id;
  taro = (await api.post("/customers", { email: "taro@example.com", name: "山田太郎" })).body.id;
  krw = await pay(minji, {
    currency: "KRW",
    items: [
      { description: "프로 요금제 (월간)", quantity: 1, unit_amount: 12000, tax_rate_bps: 1000 },
      { description: "Extra seat", quantity: 2, unit_amount: 3000 },
    ],
    payment_method: { type: "card", brand: "visa", last4: "4242" },
  });
  const refund = await api.post(`/payments/${krw.id}/refunds`, { amount: 2000, reason: "Duplicate seat" });
  expect(refund.status).toBe(201);
  usd = await pay(minji, {
    currency: "USD",
    items: [{ description: "Pro plan", quantity: 2, unit_amount: 1999, tax_rate_bps: 1000 }],
    payment_method: { type: "upi" },
  });
  const globexCustomer = (await otherApi.post("/customers", { email: "minji@example.com", name: "김민지" })).body.id;
  otherMerchantPayment = await pay(globexCustomer, { currency: "KRW", items: [{ description: "Other", quantity: 1, unit_amount: 5000 }] }, otherApi);
});
afterAll(async () => {
  await server?.stop();
});

describe("GET /portal/invoices/{payment id}", () => {
  it("downloads the Korean customer's KRW invoice in Korean: number, name, localized totals, refunds", async () => {
    const cookie = await signIn(minji, { locale: "ko" });
    const res = await download(krw.id, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="acme-${krw.invoice_number}.pdf"`);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Number(res.headers.get("content-length"))).toBe(res.bytes.byteLength);
    expect(isPdf(res.bytes)).toBe(true);
    const text = pdfText(res.bytes);
    // 12,000 + 10% tax + 2 × 3,000 = ₩19,200; refunded ₩2,000; net ₩17,200.
    for (const expected of [krw.invoice_number, "김민지", "minji@example.com", "서울특별시 중구 세종대로 110", "123-45-67890", "프로 요금제 (월간)", "₩18,000", "₩1,200", "₩19,200", "-₩2,000", "₩17,200", "Duplicate seat", "billing@acme.example"]) {
      expect(text).toContain(expected);
    }
    for (const label of ["인보이스 번호", "청구 대상", "합계", "환불 내역", "부분 환불", "결제 수단", "카드 Visa 끝자리 4242"]) {
      expect(text).toContain(label);
    }
    expect(text).not.toContain("Invoice number");
    // The merchant's data-URL logo is embedded.
    expect(res.bytes.toString("latin1")).toContain("/Subtype /Image");
  });

  it("downloads the USD invoice in English for an English session, with two decimals", async () => {
    const cookie = await signIn(minji, { locale: "en" });
    const res = await download(usd.id, cookie);
    expect(res.status).toBe(200);
    const text = pdfText(res.bytes);
    for (const expected of [usd.invoice_number, "김민지", "Invoice number", "BILLED TO", "$39.98", "$4.00", "$43.98", "UPI", "Paid"]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain("인보이스");
  });

  it("takes the language from Accept-Language when the session names none", async () => {
    const cookie = await signIn(taro);
    const payment = await pay(taro, { currency: "JPY", items: [{ description: "年間プラン", quantity: 1, unit_amount: 12000 }] });
    const text = pdfText((await download(payment.id, cookie, { "Accept-Language": "ko-KR,ko;q=0.9" })).bytes);
    for (const expected of ["山田太郎", "年間プラン", "JP¥12,000", "인보이스 번호"]) expect(text).toContain(expected);
  });

  it("renders once: the second download is the stored document, the same bytes the API serves", async () => {
    const cookie = await signIn(minji, { locale: "ko" });
    const first = await download(krw.id, cookie);
    const second = await download(krw.id, cookie);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(cachedRows(krw.id).filter((r) => r.locale === "ko")).toHaveLength(1);
    const fromApi = await apiDownload(krw.id, "?locale=ko");
    expect(fromApi.status).toBe(200);
    expect(fromApi.bytes.equals(first.bytes)).toBe(true);
    // ko-KR is the same document as ko.
    expect((await apiDownload(krw.id, "?locale=ko-KR")).bytes.equals(first.bytes)).toBe(true);
    expect(cachedRows(krw.id).filter((r) => r.locale === "ko")).toHaveLength(1);
  });

  it("renders again when the stored document is of another layout version, and replaces it", async () => {
    const cookie = await signIn(minji, { locale: "en" });
    await download(usd.id, cookie);
    const [row] = cachedRows(usd.id);
    writeDb(server.dbFile, "update invoice_documents set version = 'old', pdf = ? where payment_id = ?", Buffer.from("%PDF-stale"), usd.id);
    const res = await download(usd.id, cookie);
    expect(res.bytes.toString("latin1")).not.toBe("%PDF-stale");
    expect(pdfText(res.bytes)).toContain(usd.invoice_number);
    expect(cachedRows(usd.id)).toEqual([row]);
  });

  it("renders a new document once a refund changes the invoice", async () => {
    const cookie = await signIn(minji, { locale: "en" });
    const payment = await pay(minji, { currency: "USD", items: [{ description: "Add-on", quantity: 1, unit_amount: 2500 }] });
    expect(pdfText((await download(payment.id, cookie)).bytes)).not.toContain("Refunded");
    await api.post(`/payments/${payment.id}/refunds`, { amount: 500, reason: "Goodwill" });
    const text = pdfText((await download(payment.id, cookie)).bytes);
    for (const expected of ["Refunded", "-$5.00", "$20.00", "Goodwill", "Partially refunded"]) expect(text).toContain(expected);
    expect(cachedRows(payment.id).map((r) => r.amount_refunded)).toEqual([0, 500]);
  });

  it("answers 404 without PDF bytes for another customer's payment, another merchant's, a missing one", async () => {
    const taroCookie = await signIn(taro, { locale: "ko" });
    for (const id of [krw.id, usd.id, otherMerchantPayment.id, "pay_doesnotexist0000000000"]) {
      const res = await download(id, taroCookie);
      expect(res.status, id).toBe(404);
      expect(isPdf(res.bytes)).toBe(false);
      expect(res.headers.get("content-disposition")).toBeNull();
    }
    // The other merchant's customer with the same email cannot reach Acme's invoice either.
    const globexCookie = await signIn((await otherApi.get("/customers?limit=1")).body.data[0].id, {}, otherApi);
    expect((await download(krw.id, globexCookie)).status).toBe(404);
    // Nothing was rendered for the probes.
    expect(cachedRows(otherMerchantPayment.id)).toEqual([]);
  });

  it("answers 404 for a failed or pending payment: they have no invoice", async () => {
    const cookie = await signIn(minji);
    for (const status of ["failed", "pending"]) {
      const payment = await pay(minji, { status, currency: "USD", items: [{ description: "Try", quantity: 1, unit_amount: 100 }] });
      const res = await download(payment.id, cookie);
      expect(res.status, status).toBe(404);
      expect(isPdf(res.bytes)).toBe(false);
    }
  });

  it("gives no PDF to a browser that is not signed in, or signed out", async () => {
    const anonymous = await download(krw.id);
    expect(anonymous.status).toBe(401);
    expect(isPdf(anonymous.bytes)).toBe(false);
    const cookie = await signIn(minji);
    const signOut = await request(`${server.url}/portal/sign-out`, {
      method: "POST",
      cookie,
      headers: { "Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(signOut.status).toBeLessThan(400);
    const after = await download(krw.id, cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/p/acme");
    expect(isPdf(after.bytes)).toBe(false);
  });

  it("sends a browser whose session went idle to the merchant's sign-in page, not the PDF", async () => {
    const cookie = await signIn(minji);
    await server.setClock(31 * 60_000);
    try {
      const res = await download(krw.id, cookie);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/p/acme");
      expect(isPdf(res.bytes)).toBe(false);
    } finally {
      await server.setClock(0);
    }
  });

  it("answers 404 when the merchant switched billing history off, and serves again once it is back on", async () => {
    const cookie = await signIn(minji, { locale: "en" });
    expect((await api.patch("/portal-settings", { features: { billing_history: { enabled: false } } })).status).toBe(200);
    try {
      const res = await download(usd.id, cookie);
      expect(res.status).toBe(404);
      expect(isPdf(res.bytes)).toBe(false);
      // The merchant's own API download is not a portal page: it still works.
      expect((await apiDownload(usd.id)).status).toBe(200);
    } finally {
      expect((await api.patch("/portal-settings", { features: { billing_history: { enabled: true } } })).status).toBe(200);
    }
    expect((await download(usd.id, cookie)).status).toBe(200);
  });

  it("lands an invoice deep link on the download", async () => {
    const ps = await api.post(`/customers/${minji}/portal-sessions`, { flow: { type: "invoice", payment_id: krw.id } });
    const res = await request(ps.body.url);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/portal/invoices/${krw.id}`);
    expect((await download(krw.id, sessionCookie(res)!)).status).toBe(200);
  });
});
