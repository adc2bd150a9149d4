/**
 * Data the scenarios need beyond the seeded customers, made through the real API once the server
 * runs: a Korean customer with 25 payments (KRW and USD, succeeded, failed, refunded), a
 * subscription, a license key, a wallet credit and a metered entitlement; one invoice rendered once (so the PDF
 * scenarios measure the cache); a portal link minted and exchanged for a signed-in cookie.
 */
import type { BenchContext } from "./scenarios";

async function call<T = any>(ctx: { url: string; apiKey: string }, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${ctx.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${ctx.apiKey}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`fixture ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

/** Signs a staff member in through the dashboard's form; returns the session cookie. */
async function staffSignIn(url: string, staff: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${url}/dashboard/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams(staff).toString(),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.includes("portico_staff="));
  if (res.status !== 303 || !cookie) throw new Error(`fixture staff sign-in: ${res.status}`);
  return cookie;
}

export async function prepareFixtures(base: { url: string; apiKey: string; customerId: string; searchTerm: string; staff: { email: string; password: string } }): Promise<BenchContext> {
  const customer = await call(base, "POST", "/customers", {
    email: `minji.bench.${Date.now()}@example.kr`,
    name: "김민지",
    phone_number: "+82 10-1234-5678",
    billing_address: { line1: "1 Teheran-ro", city: "Seoul", country: "KR" },
    metadata: { source: "bench" },
  });
  const product = await call(base, "POST", "/products", { name: "프로 요금제", type: "subscription", price: 12000, currency: "KRW", interval: "month" });
  await call(base, "POST", "/subscriptions", { customer_id: customer.id, product_id: product.id });
  await call(base, "POST", "/license-keys", { customer_id: customer.id, product_id: product.id, activations_limit: 3 });
  await call(base, "POST", `/customers/${customer.id}/wallets/ledger-entries`, { currency: "KRW", amount: 50000, entry_type: "credit", reason: "추천 보상" });
  const entitlementFeature = "api.calls";
  await call(base, "PUT", `/customers/${customer.id}/entitlements/${entitlementFeature}`, { name: "API calls", limit: 1_000_000, unit: "calls", reset_interval: "month" });
  await call(base, "POST", `/customers/${customer.id}/usage`, { feature: entitlementFeature, quantity: 6420, idempotency_key: "bench-usage" });

  // Oldest first, so invoice numbers follow the dates; one in five failed.
  const payments: { id: string; status: string; currency: string }[] = [];
  for (let i = 0; i < 25; i++) {
    const krw = i % 2 === 0;
    payments.push(
      await call(base, "POST", "/payments", {
        customer_id: customer.id,
        status: i % 5 === 4 ? "failed" : "succeeded",
        currency: krw ? "KRW" : "USD",
        items: [{ description: krw ? "프로 요금제 (월간)" : "Add-on: extra storage", quantity: 1, unit_amount: krw ? 12000 : 1999, tax_rate_bps: 1000 }],
        payment_method: { type: "card", brand: "visa", last4: "4242" },
        ...(i % 5 === 4 ? { failure_reason: "card_declined" } : {}),
        created_at: new Date(Date.now() - (25 - i) * 7 * 86_400_000).toISOString(),
      }),
    );
  }
  const invoice = payments.filter((p) => p.status === "succeeded" && p.currency === "KRW").at(-1)!;
  await call(base, "POST", `/payments/${invoice.id}/refunds`, { amount: 2000 });
  // Rendered once here: the PDF scenarios measure the cached document.
  const warm = await fetch(`${base.url}/api/v1/payments/${invoice.id}/invoice?locale=ko`, { headers: { Authorization: `Bearer ${base.apiKey}` } });
  if (warm.status !== 200) throw new Error(`fixture invoice: ${warm.status}`);
  await warm.arrayBuffer();

  // A portal browser session: mint a link, exchange it once, keep the cookie.
  const session = await call<{ url: string }>(base, "POST", `/customers/${customer.id}/portal-sessions`, { locale: "ko" });
  const exchanged = await fetch(session.url, { redirect: "manual" });
  const portalCookie = exchanged.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (exchanged.status < 300 || exchanged.status > 399 || !portalCookie) throw new Error(`fixture portal exchange: ${exchanged.status}`);
  const staffCookie = await staffSignIn(base.url, base.staff);
  const ctx: BenchContext = { url: base.url, apiKey: base.apiKey, customerId: base.customerId, searchTerm: base.searchTerm, portalCustomerId: customer.id, portalCookie, invoicePaymentId: invoice.id, entitlementFeature, staffCookie };
  // Every page the scenarios load must answer 200 before it is measured.
  for (const [path, cookie] of [
    ["/portal", portalCookie],
    ["/portal/billing", portalCookie],
    [`/portal/invoices/${invoice.id}`, portalCookie],
    ["/dashboard/customers", staffCookie],
    [`/dashboard/customers/${customer.id}`, staffCookie],
  ]) {
    const res = await fetch(`${base.url}${path}`, { headers: { Cookie: cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`fixture ${path}: ${res.status}`);
  }
  return ctx;
}
