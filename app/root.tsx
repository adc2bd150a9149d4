import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  json,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { useNonce } from "~/components/nonce";
import styles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];
export const meta: MetaFunction = () => [{ title: "Portico" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return json({ requestId: context.requestId });
}

/** The page language: the deepest route whose data names a `locale` (portal pages do). */
function usePageLanguage() {
  const matches = useMatches();
  for (const match of [...matches].reverse()) {
    const locale = (match.data as { locale?: unknown } | null | undefined)?.locale;
    if (typeof locale === "string" && /^[a-z]{2}(-[A-Z]{2})?$/.test(locale)) return locale;
  }
  return "en";
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const lang = usePageLanguage();
  // Browser tests wait for this attribute: clicks before hydration would be lost.
  useEffect(() => document.documentElement.setAttribute("data-hydrated", "true"), []);
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main className="centered">
      <div className="card" role="alert">
        <h1>{notFound ? "Page not found" : "Something went wrong"}</h1>
        <p className="muted">
          {notFound
            ? "There is nothing at this address. Check the link you followed."
            : "We could not show this page. Please try again in a moment."}
        </p>
        {!notFound && data?.requestId ? (
          <p className="muted">
            Request id: <code>{data.requestId}</code>
          </p>
        ) : null}
      </div>
    </main>
  );
}
