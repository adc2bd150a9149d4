import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { isRouteErrorResponse, NavLink, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import type { CSSProperties } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { LanguageSwitcher } from "~/components/language-switcher";
import { brandVariables } from "~/components/portal/contrast";
import { getI18n } from "~/i18n/index";
import { merchantBranding } from "~/models/merchants.server";
import { BrandedCard } from "~/portal/branded-page";
import { enabledPages, type PortalPage, requireCustomerSession, type SignedOutData } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import portalStyles from "~/styles/portal.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.branding.name}` : "Billing portal" }];
// Signed-in pages are never stored: after sign-out, Back shows nothing.
export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireCustomerSession(request, context);
  return json(
    {
      locale: s.uiLocale,
      branding: merchantBranding(s.merchant),
      customer: { name: s.customer.name, email: s.customer.email },
      returnUrl: s.returnUrl,
      viewingAs: s.viewAs ? (s.customer.name ?? s.customer.email) : null,
      pages: enabledPages(s.merchant.portalSettings),
    },
    { headers: NO_STORE },
  );
}

const NAV: { page: PortalPage; to: string; label: string }[] = [
  { page: "overview", to: "/portal", label: "nav.overview" },
  { page: "subscriptions", to: "/portal/subscriptions", label: "nav.subscriptions" },
  { page: "billing", to: "/portal/billing", label: "nav.billing" },
  { page: "licenses", to: "/portal/licenses", label: "nav.licenses" },
  { page: "wallet", to: "/portal/wallet", label: "nav.wallet" },
  { page: "usage", to: "/portal/usage", label: "nav.usage" },
  { page: "profile", to: "/portal/profile", label: "nav.profile" },
];

export default function PortalLayout() {
  const data = useLoaderData<typeof loader>();
  return (
    <I18nextProvider i18n={getI18n(data.locale)}>
      <PortalShell {...data} />
    </I18nextProvider>
  );
}

function PortalShell(data: ReturnType<typeof useLoaderData<typeof loader>>) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  return (
    <div className="portal" style={brandVariables(data.branding.brandColor) as CSSProperties} lang={data.locale}>
      {data.viewingAs ? (
        <p className="view-as-banner" role="status" data-testid="view-as-banner">
          {t("portal.viewingAs", { name: data.viewingAs })}
        </p>
      ) : null}
      <header className="portal-header">
        <div className="portal-bar">
          <div className="portal-brand">
            {data.branding.logoUrl ? (
              <img src={data.branding.logoUrl} alt={data.branding.name} className="portal-logo" />
            ) : (
              <span className="portal-name">{data.branding.name}</span>
            )}
          </div>
          <div className="portal-account" aria-label={t("nav.account")} data-testid="portal-customer">
            {data.customer.name ? <strong>{data.customer.name}</strong> : null}
            <span className="portal-email">{data.customer.email}</span>
          </div>
          {data.returnUrl ? (
            <a href={data.returnUrl} rel="noreferrer" className="portal-back" data-testid="portal-back">
              ← {t("common.backTo", { merchant: data.branding.name })}
            </a>
          ) : null}
          <div className="portal-actions">
            <form method="post" action="/portal/sign-out">
              <button type="submit" className="button on-brand small" data-testid="sign-out">
                {t("common.signOut")}
              </button>
            </form>
          </div>
        </div>
        <nav className="portal-nav" aria-label={t("nav.label")} data-testid="portal-nav">
          <ul>
            {NAV.filter((n) => data.pages.includes(n.page)).map((n) => (
              <li key={n.page}>
                <NavLink to={n.to} end={n.page === "overview"} prefetch="intent" data-testid={`nav-${n.page}`}>
                  {t(n.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="portal-main" aria-busy={navigation.state === "loading" || undefined}>
        <Outlet />
      </main>
      <footer className="portal-footer">
        <LanguageSwitcher action="/portal/locale" id="portal-locale" current={data.locale} label={t("nav.language")} submitLabel={t("nav.switchLanguage")} />
        <p className="muted small">{t("common.poweredBy")}</p>
      </footer>
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 401) {
    const data = error.data as SignedOutData;
    return (
      <BrandedCard branding={null} locale={data.locale}>
        <SignedOut data={data} />
      </BrandedCard>
    );
  }
  throw error;
}

function SignedOut({ data }: { data: SignedOutData }) {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("portal.signedOutTitle")}</h1>
      <p className="muted">
        {data.merchantName ? t("portal.signedOutBody", { merchant: data.merchantName }) : t("portal.signedOutBodyGeneric")}
      </p>
      {data.signInPath ? (
        <p>
          <a className="button" href={data.signInPath}>
            {t("portal.signInAgain")}
          </a>
        </p>
      ) : null}
    </>
  );
}
