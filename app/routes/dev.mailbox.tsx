import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { readMailbox } from "~/dev/mailbox.server";

export const meta: MetaFunction = () => [{ title: "Dev mailbox" }, { name: "robots", content: "noindex" }];

// The local outbox, for development: every message with its links. 404 in production and
// whenever PUBLIC_URL is not localhost or a loopback address.
export async function loader({ request }: LoaderFunctionArgs) {
  const mails = readMailbox(new URL(request.url).searchParams.get("to"));
  if (!mails) throw new Response("Not found", { status: 404 });
  return json({ mails }, { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
}

export default function DevMailbox() {
  const { mails } = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>Dev mailbox</h1>
      <p className="muted">The newest 50 messages of the local mail outbox. Served only on a loopback PUBLIC_URL, never in production.</p>
      {mails.length === 0 ? <p>No mail yet.</p> : null}
      {mails.map((m) => (
        <article key={m.id} className="card" style={{ marginBottom: "1rem" }} data-testid="mail">
          <h2 style={{ fontSize: "1.05rem", margin: 0 }} data-testid="mail-subject">
            {m.subject}
          </h2>
          <p className="muted" style={{ margin: "0.25rem 0" }}>
            To <span data-testid="mail-to">{m.to}</span> · {m.template} · {m.status} · {m.createdAt}
          </p>
          <ul>
            {m.links.map((href) => (
              <li key={href}>
                <a href={href} rel="noreferrer" data-testid="mail-link">
                  {href}
                </a>
              </li>
            ))}
          </ul>
          <pre style={{ whiteSpace: "pre-wrap", fontSize: "0.85rem" }} data-testid="mail-text">
            {m.text}
          </pre>
        </article>
      ))}
    </main>
  );
}
