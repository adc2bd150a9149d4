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
