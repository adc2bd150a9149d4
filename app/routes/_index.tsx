import type { MetaFunction } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "Portico — customer billing portal" }];

export default function Index() {
  return (
    <main className="centered">
      <div className="card">
        <h1>Portico</h1>
        <p className="muted">
          A hosted self-service billing portal. Merchants mint portal links through the API at{" "}
          <code>/api/v1</code>; the document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
        </p>
      </div>
    </main>
  );
}
