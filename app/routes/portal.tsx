import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { isRouteErrorResponse, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { getI18n } from "~/i18n/index";
import { BrandedCard, brandStyle, MerchantMark } from "~/portal/branded-page";
import { NO_STORE, requireCustomerSession, type SignedOutData } from "~/portal/guards.server";
import { merchantDisplay } from "~/portal/links.server";

export const meta: MetaFunction = () => [{ title: "Billing portal" }];
// Signed-in pages are never stored: after sign-out, Back shows nothing.
export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request }: LoaderFunctionArgs) {
  const s = await requireCustomerSession(request);
  return json(
    {
      locale: s.uiLocale,
      branding: merchantDisplay(s.merchant),
      customer: { name: s.customer.name, email: s.customer.email },
      returnUrl: s.returnUrl,
    },
    { headers: NO_STORE },
  );
}

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
  return (
    <div style={brandStyle(data.branding)} lang={data.locale}>
      <header className="portal-header" style={{ borderTop: "4px solid var(--brand)", background: "#fff", borderBottom: "1px solid var(--border)" }}>
        <div style={{ maxWidth: 960, margin: "0 auto", padding: "0.75rem 1rem", display: "flex", flexWrap: "wrap", gap: "0.75rem", alignItems: "center", justifyContent: "space-between" }}>
          <MerchantMark branding={data.branding} />
          <div style={{ display: "flex", gap: "0.75rem", alignItems: "center", flexWrap: "wrap" }}>
            <span className="muted" data-testid="portal-customer">
              {data.customer.name ? <strong>{data.customer.name}</strong> : null} {data.customer.email}
            </span>
            {data.returnUrl ? (
              <a href={data.returnUrl} rel="noreferrer">
                {t("common.backTo", { merchant: data.branding.name })}
              </a>
            ) : null}
            <form method="post" action="/portal/sign-out">
              <button type="submit" className="button" style={{ minHeight: 36, padding: "0.4rem 0.9rem" }}>
                {t("common.signOut")}
              </button>
            </form>
          </div>
        </div>
      </header>
      <main>
        <Outlet />
      </main>
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
