import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { getI18n, translator } from "~/i18n/index";
import { negotiateLocale } from "~/i18n/negotiate.server";
import dashboardStyles from "~/styles/dashboard.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Portico" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const locale = negotiateLocale({ request });
  return json({ locale, title: translator(locale)("home.title") });
}

/** The front door: where a merchant's staff sign in, and where a developer finds the API. */
export default function Index() {
  const { locale } = useLoaderData<typeof loader>();
  return (
    <I18nextProvider i18n={getI18n(locale)}>
      <Home />
    </I18nextProvider>
  );
}

function Home() {
  const { t } = useTranslation();
  return (
    <main className="home" data-testid="page-root">
      <h1>Portico</h1>
      <p className="muted lead">{t("home.tagline")}</p>
      <ul className="home-cards">
        <li className="card">
          <h2>{t("home.dashboardTitle")}</h2>
          <p className="muted">{t("home.dashboardBody")}</p>
          <a className="button" href="/dashboard" data-testid="home-dashboard">
            {t("home.dashboardButton")}
          </a>
        </li>
        <li className="card">
          <h2>{t("home.apiTitle")}</h2>
          <p className="muted">{t("home.apiBody")}</p>
          <p>
            <a className="button" href="/docs" data-testid="docs-link">
              {t("home.apiReference")}
            </a>
          </p>
          <a href="/api/v1/openapi.json" data-testid="home-api-docs">
            {t("home.apiLink")}
          </a>
          <pre className="code-block">{"curl /api/v1/customers \\\n  -H \"Authorization: Bearer sk_test_…\""}</pre>
        </li>
      </ul>
      <p className="muted small">{t("home.firstOwner")}</p>
      <pre className="code-block">{"npm run staff:create -- --merchant <id|slug> --email you@example.com --role owner"}</pre>
    </main>
  );
}
