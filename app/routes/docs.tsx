import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { useEffect, useRef, useState } from "react";
import swaggerStyles from "swagger-ui-dist/swagger-ui.css";

// The API reference: Swagger UI renders the served OpenAPI document in the browser. It is bundled
// by the app's own build (a lazily loaded chunk of the client bundle), never fetched from a CDN,
// so it runs under the app's CSP (nonce + strict-dynamic, no eval, fonts and connections to self).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: swaggerStyles }];
export const meta: MetaFunction = () => [{ title: "Portico API reference" }];

const DOCUMENT_URL = "/api/v1/openapi.json";

export default function ApiReference() {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  useEffect(() => {
    let cancelled = false;
    import("swagger-ui-dist/swagger-ui-es-bundle.js")
      .then(({ default: SwaggerUI }) => {
        if (cancelled || !container.current) return;
        SwaggerUI({
          domNode: container.current,
          url: DOCUMENT_URL,
          // No calls to the public validator service, no "try it out" against a live key by default.
          validatorUrl: null,
          supportedSubmitMethods: [],
          deepLinking: true,
          docExpansion: "list",
          defaultModelsExpandDepth: 0,
          onComplete: () => !cancelled && setState("ready"),
        });
      })
      .catch(() => !cancelled && setState("failed"));
    return () => {
      cancelled = true;
    };
  }, []);
  return (
    <div className="api-reference" data-testid="api-reference" data-state={state}>
      <header className="api-reference-bar">
        <a href="/">Portico</a>
        <span aria-hidden="true"> · </span>
        <span>
          API reference, rendered from <a href={DOCUMENT_URL}>{DOCUMENT_URL}</a>
        </span>
      </header>
      {state === "failed" ? (
        <p role="alert" className="api-reference-note">
          The reference could not be loaded. The OpenAPI document itself is at <a href={DOCUMENT_URL}>{DOCUMENT_URL}</a>.
        </p>
      ) : null}
      <noscript>
        <p className="api-reference-note">
          The interactive reference needs JavaScript. The OpenAPI document is at <a href={DOCUMENT_URL}>{DOCUMENT_URL}</a>.
        </p>
      </noscript>
      <div ref={container} />
    </div>
  );
}
