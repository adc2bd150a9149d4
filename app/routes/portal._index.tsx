import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PortalErrorView } from "~/components/portal/error-view";
import { PaymentList } from "~/components/portal/payments";
import { Balances, Section, StatusBadge } from "~/components/portal/ui";
import { requirePage } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import { overviewData } from "~/portal/view-models.server";

export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Re-checked here too: this loader runs in parallel with the layout's.
  const s = await requirePage(request, context, "overview");
  return json({ name: s.customer.name ?? s.customer.email, ...overviewData(s) }, { headers: NO_STORE });
}

export default function PortalOverview() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-overview">
      <h1>{data.name ? t("overview.greeting", { name: data.name }) : t("overview.greetingNoName")}</h1>

      <Section
        id="overview-subscriptions"
        title={t("overview.activeSubscriptions")}
        link={{ to: "/portal/subscriptions", label: t("overview.manageSubscriptions") }}
      >
        {data.subscriptions.length === 0 ? (
          <p className="muted">{t("overview.noActiveSubscriptions")}</p>
        ) : (
          <ul className="cards grid-2" data-testid="overview-subscriptions">
            {data.subscriptions.map((s) => (
              <li key={s.id} data-testid={`overview-subscription-${s.id}`}>
                <div className="row-title">
                  <h3>{s.plan}</h3>
                  <StatusBadge status={s.cancelPendingOn ? "cancelPending" : s.status} />
                </div>
                <p className="money">{t(`subscriptions.interval.${s.interval}`, { price: s.price, count: s.intervalCount })}</p>
                <p className="muted">
                  {s.cancelPendingOn ? t("overview.endsOn", { date: s.cancelPendingOn }) : t("overview.nextRenewal", { date: s.nextRenewal })}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Section>

      {data.wallets ? (
        <Section id="overview-wallet" title={t("overview.walletBalance")} link={{ to: "/portal/wallet", label: t("overview.walletActivity") }}>
          {data.wallets.length === 0 ? (
            <p className="muted">{t("overview.noWallet")}</p>
          ) : (
            <Balances wallets={data.wallets} testId="overview-wallets" />
          )}
        </Section>
      ) : null}

      {data.payments ? (
        <Section id="overview-payments" title={t("overview.latestPayments")} link={{ to: "/portal/billing", label: t("overview.allPayments") }}>
          {data.payments.length === 0 ? <p className="muted">{t("overview.noPayments")}</p> : <PaymentList payments={data.payments} testId="overview-payments" />}
        </Section>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
