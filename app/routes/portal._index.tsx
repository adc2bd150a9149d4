import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PaymentList } from "~/components/portal/payments";
import { PortalErrorView } from "~/components/portal/error-view";
import { StatusBadge } from "~/components/portal/ui";
import { requirePage } from "~/models/portal-access.server";
import { overviewData } from "~/models/portal-pages.server";
import { NO_STORE } from "~/portal/guards.server";

export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request }: LoaderFunctionArgs) {
  // Re-checked here too: this loader runs in parallel with the layout's.
  const s = await requirePage(request, "overview");
  return json({ name: s.customer.name ?? s.customer.email, ...overviewData(s) }, { headers: NO_STORE });
}

export default function PortalOverview() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-overview">
      <h1>{t("overview.greeting", { name: data.name })}</h1>

      <section className="section" aria-labelledby="overview-subscriptions">
        <div className="section-head">
          <h2 id="overview-subscriptions" className="section-title">
            {t("overview.activeSubscriptions")}
          </h2>
          <Link to="/portal/subscriptions">{t("overview.manageSubscriptions")}</Link>
        </div>
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
      </section>

      {data.wallets ? (
        <section className="section" aria-labelledby="overview-wallet">
          <div className="section-head">
            <h2 id="overview-wallet" className="section-title">
              {t("overview.walletBalance")}
            </h2>
            <Link to="/portal/wallet">{t("overview.walletActivity")}</Link>
          </div>
          {data.wallets.length === 0 ? (
            <p className="muted">{t("overview.noWallet")}</p>
          ) : (
            <ul className="balances" data-testid="overview-wallets">
              {data.wallets.map((w) => (
                <li key={w.currency} data-testid={`wallet-balance-${w.currency}`}>
                  <span className="muted small">{w.currency}</span>
                  <span className="money">{w.balance}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {data.payments ? (
        <section className="section" aria-labelledby="overview-payments">
          <div className="section-head">
            <h2 id="overview-payments" className="section-title">
              {t("overview.latestPayments")}
            </h2>
            <Link to="/portal/billing">{t("overview.allPayments")}</Link>
          </div>
          {data.payments.length === 0 ? <p className="muted">{t("overview.noPayments")}</p> : <PaymentList payments={data.payments} testId="overview-payments" />}
        </section>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
