/** What `npm run bench` measures. Each scenario may prepare data through the API first. */
export type BenchContext = { url: string; apiKey: string; data: Record<string, string> };

export type Scenario = {
  name: string;
  method?: "GET" | "POST";
  path: (ctx: BenchContext) => string;
  headers?: (ctx: BenchContext) => Record<string, string>;
  body?: (ctx: BenchContext) => string;
  connections?: number;
  setup?: (ctx: BenchContext) => Promise<void>;
};

const auth = (ctx: BenchContext) => ({ Authorization: `Bearer ${ctx.apiKey}` });

async function api(ctx: BenchContext, method: string, path: string, body?: unknown) {
  const res = await fetch(`${ctx.url}/api/v1${path}`, {
    method,
    headers: { ...auth(ctx), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}

let counter = 0;

export const scenarios: Scenario[] = [
  { name: "GET /healthz", path: () => "/healthz" },
  {
    name: "GET /api/v1/customers (20 of 1,000)",
    path: () => "/api/v1/customers?limit=20",
    headers: auth,
    setup: async (ctx) => {
      for (let i = 0; i < 1000; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) => api(ctx, "POST", "/customers", { email: `bench${i + j}@example.com`, name: `Bench Customer ${i + j}`, metadata: { n: String(i + j) } })),
        );
      }
      ctx.data.customerId = (await api(ctx, "GET", "/customers?limit=1")).data[0].id;
    },
  },
  {
    name: "GET /api/v1/customers?q= (search)",
    path: () => "/api/v1/customers?q=customer%2099&limit=20",
    headers: auth,
  },
  {
    name: "GET /api/v1/customers/{id}",
    path: (ctx) => `/api/v1/customers/${ctx.data.customerId}`,
    headers: auth,
  },
  {
    name: "POST /api/v1/customers (write)",
    method: "POST",
    path: () => "/api/v1/customers",
    headers: (ctx) => ({ ...auth(ctx), "Content-Type": "application/json" }),
    body: () => JSON.stringify({ email: `w${process.pid}.${counter++}@example.com`, name: "Writer" }),
  },
];

/** A Korean customer's KRW invoice with a refund, downloaded once so the scenarios measure the cache. */
async function invoiceSetup(ctx: BenchContext) {
  if (ctx.data.invoicePaymentId) return;
  const customer = await api(ctx, "POST", "/customers", { email: `minji.${process.pid}@example.com`, name: "김민지" });
  const payment = await api(ctx, "POST", "/payments", {
    customer_id: customer.id,
    status: "succeeded",
    currency: "KRW",
    items: [{ description: "프로 요금제 (월간)", quantity: 1, unit_amount: 12000, tax_rate_bps: 1000 }],
    payment_method: { type: "card", brand: "visa", last4: "4242" },
  });
  await api(ctx, "POST", `/payments/${payment.id}/refunds`, { amount: 2000 });
  const warm = await fetch(`${ctx.url}/api/v1/payments/${payment.id}/invoice?locale=ko`, { headers: auth(ctx) });
  if (warm.status !== 200) throw new Error(`invoice: ${warm.status}`);
  await warm.arrayBuffer();
  // A portal browser session for the same customer: mint a redirect link, exchange it, keep the cookie.
  const session = await api(ctx, "POST", `/customers/${customer.id}/portal-sessions`, { locale: "ko" });
  const exchanged = await fetch(session.url, { redirect: "manual" });
  ctx.data.portalCookie = exchanged.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  ctx.data.invoicePaymentId = payment.id;
}

scenarios.push(
  {
    name: "GET /api/v1/payments/{id}/invoice (cached PDF)",
    path: (ctx) => `/api/v1/payments/${ctx.data.invoicePaymentId}/invoice?locale=ko`,
    headers: auth,
    setup: invoiceSetup,
  },
  {
    name: "GET /portal/invoices/{id} (cached PDF, signed in)",
    path: (ctx) => `/portal/invoices/${ctx.data.invoicePaymentId}`,
    headers: (ctx) => ({ Cookie: ctx.data.portalCookie }),
    setup: invoiceSetup,
  },
);

/** Twenty payments and two subscriptions for the signed-in customer, so pages show full lists. */
async function portalPagesSetup(ctx: BenchContext) {
  await invoiceSetup(ctx);
  if (ctx.data.portalPagesReady) return;
  const payment = await api(ctx, "GET", `/payments/${ctx.data.invoicePaymentId}`);
  const product = await api(ctx, "POST", "/products", { name: "Pro", type: "subscription", price: 12000, currency: "KRW", interval: "month" });
  await api(ctx, "POST", "/subscriptions", { customer_id: payment.customer_id, product_id: product.id });
  for (let i = 0; i < 20; i++) {
    await api(ctx, "POST", "/payments", {
      customer_id: payment.customer_id,
      status: i % 5 === 4 ? "failed" : "succeeded",
      currency: i % 2 ? "USD" : "KRW",
      items: [{ description: `Order ${i}`, quantity: 1, unit_amount: i % 2 ? 1999 : 12000 }],
      payment_method: { type: "card", brand: "visa", last4: "4242" },
    });
  }
  ctx.data.portalPagesReady = "yes";
}

scenarios.push(
  {
    name: "GET /portal (overview page, signed in, ko)",
    path: () => "/portal",
    headers: (ctx) => ({ Cookie: ctx.data.portalCookie }),
    setup: portalPagesSetup,
  },
  {
    name: "GET /portal/billing (20 payments, signed in, ko)",
    path: () => "/portal/billing",
    headers: (ctx) => ({ Cookie: ctx.data.portalCookie }),
    setup: portalPagesSetup,
  },
);
