import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { RevenueChart } from "~/components/dashboard/revenue-chart";
import { Notice, PageHeader, Time } from "~/components/dashboard/ui";
import { money } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";
import { noticeOf } from "~/dashboard/notices.server";
import { getMerchantOverview, listAtRisk } from "~/models/merchant-overview.server";
import { merchantDisplayName } from "~/models/merchants.server";
import { twoFactorEnabled } from "~/models/staff-two-factor.server";

/** Change against the 30 days before, in whole percent (null when there was nothing before). */
const change = (current: number, before: number) => (before === 0 ? null : Math.round(((current - before) / before) * 100));

// The overview (DASHBOARD.md): per-currency cards for the last 30 days, a 90-day revenue chart,
// the at-risk list; then who you are and where to go.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const o = getMerchantOverview({ merchantId: s.merchant.id });
  const chosen = new URL(request.url).searchParams.get("currency")?.toUpperCase();
  const chartCurrency = chosen && o.daily.has(chosen) ? chosen : (o.currencies.find((c) => o.daily.has(c.currency))?.currency ?? null);
  const series = chartCurrency ? (o.daily.get(chartCurrency) ?? []) : [];
  return json(
    {
      overview: {
        cards: o.currencies.map((c) => ({
          currency: c.currency,
          gross: money(c.gross, c.currency, s.locale),
          grossChange: change(c.gross, c.grossBefore),
          grossBefore: money(c.grossBefore, c.currency, s.locale),
          refunded: money(c.refunded, c.currency, s.locale),
          failedPayments: c.failedPayments,
          activeSubscriptions: c.activeSubscriptions,
        })),
        newCustomers: o.newCustomers,
        newCustomersChange: change(o.newCustomers, o.newCustomersBefore),
        chart: chartCurrency
          ? {
              currency: chartCurrency,
              max: money(Math.max(0, ...series.map((p) => p.amount)), chartCurrency, s.locale),
              points: series.map((p) => ({ day: p.day, amount: p.amount, label: money(p.amount, chartCurrency, s.locale) })),
            }
          : null,
        chartCurrencies: [...o.daily.keys()].sort(),
      },
      atRisk: listAtRisk({ merchantId: s.merchant.id }).map((r, i) => ({
        key: `${r.kind}-${r.objectId}-${i}`,
        kind: r.kind,
        customerId: r.customerId,
        customer: r.customerName ?? r.customerEmail,
        amount: r.detail.amount !== undefined && r.detail.currency ? money(r.detail.amount, r.detail.currency, s.locale) : null,
        product: r.detail.product ?? null,
        used: r.detail.used ?? null,
        limit: r.detail.limit ?? null,
        at: when(r.detail.at, s.locale),
      })),
      name: s.staff.name,
      email: s.staff.email,
      role: s.membership.role,
      merchant: merchantDisplayName(s.merchant),
      merchantId: s.merchant.id,
      twoFactor: twoFactorEnabled(s.staff),
      links: { settings: s.can("settings:read"), audit: s.can("audit:read") },
      notice: noticeOf(request),
    },
    { headers: NO_STORE },
  );
}

export default function DashboardHome() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-home">
      <PageHeader title={t("dash.home.title", { name: data.name ?? data.email })} description={t("dash.home.intro", { merchant: data.merchant })} />
      <Notice notice={data.notice} />
      <Overview overview={data.overview} />
      <AtRisk rows={data.atRisk} />
      <dl className="facts card" data-testid="home-facts">
        <dt>{t("dash.home.merchant")}</dt>
        <dd>
          {data.merchant} <code>{data.merchantId}</code>
        </dd>
        <dt>{t("dash.home.you")}</dt>
        <dd>
          {data.email} · {t(`dash.roles.${data.role}`)}
        </dd>
        <dt>{t("dash.home.twoFactor")}</dt>
        <dd>{data.twoFactor ? t("dash.security.on") : t("dash.security.off")}</dd>
      </dl>
      {!data.twoFactor ? (
        <p className="callout" data-testid="home-two-factor">
          {t("dash.home.twoFactorNudge")} <Link to="/dashboard/account/security">{t("dash.home.twoFactorLink")}</Link>
        </p>
      ) : null}
      <h2 className="section-title">{t("dash.home.next")}</h2>
      <ul className="tiles">
        <li>
          <Link to="/dashboard/customers">{t("dash.nav.customers")}</Link>
          <p className="muted small">{t("dash.home.customersHint")}</p>
        </li>
        {data.links.settings ? (
          <>
            <li>
              <Link to="/dashboard/settings/team">{t("dash.settings.team")}</Link>
              <p className="muted small">{t("dash.home.teamHint")}</p>
            </li>
            <li>
              <Link to="/dashboard/settings/api-keys">{t("dash.settings.apiKeys")}</Link>
              <p className="muted small">{t("dash.home.apiKeysHint")}</p>
            </li>
            <li>
              <Link to="/dashboard/settings/portal">{t("dash.settings.portal")}</Link>
              <p className="muted small">{t("dash.home.portalHint")}</p>
            </li>
          </>
        ) : null}
        <li>
          <Link to="/dashboard/account/security">{t("dash.nav.account")}</Link>
          <p className="muted small">{t("dash.home.securityHint")}</p>
        </li>
        <li>
          <a href="/api/v1/openapi.json">{t("dash.home.apiDocs")}</a>
          <p className="muted small">{t("dash.home.apiDocsHint")}</p>
        </li>
      </ul>
    </div>
  );
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Change({ value }: { value: number | null }) {
  const { t } = useTranslation();
  if (value === null) return <span className="muted small">{t("dash.overview.noBefore")}</span>;
  return (
    <span className={`small ${value >= 0 ? "up" : "down"}`}>
      {t("dash.overview.change", { sign: value > 0 ? "+" : "", value })}
    </span>
  );
}

function Overview({ overview: o }: { overview: LoaderData["overview"] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="overview-title" className="section" data-testid="page-overview">
      <h2 id="overview-title" className="section-title">
        {t("dash.overview.title")}
      </h2>
      <ul className="cards">
        {o.cards.map((c) => (
          <li key={c.currency} className="card stat-card" data-testid={`card-${c.currency}`}>
            <h3>{c.currency}</h3>
            <dl className="facts compact">
              <dt>{t("dash.overview.gross")}</dt>
              <dd>
                <strong data-testid={`gross-${c.currency}`}>{c.gross}</strong> <Change value={c.grossChange} />
                <span className="block muted small">{t("dash.overview.before", { amount: c.grossBefore })}</span>
              </dd>
              <dt>{t("dash.overview.refunds")}</dt>
              <dd data-testid={`refunds-${c.currency}`}>{c.refunded}</dd>
              <dt>{t("dash.overview.failed")}</dt>
              <dd data-testid={`failed-${c.currency}`}>{c.failedPayments}</dd>
              <dt>{t("dash.overview.activeSubscriptions")}</dt>
              <dd data-testid={`active-${c.currency}`}>{c.activeSubscriptions}</dd>
            </dl>
          </li>
        ))}
        <li className="card stat-card" data-testid="card-customers">
          <h3>{t("dash.overview.newCustomers")}</h3>
          <p>
            <strong data-testid="new-customers">{o.newCustomers}</strong> <Change value={o.newCustomersChange} />
          </p>
        </li>
      </ul>
      {o.cards.length === 0 ? <p className="muted">{t("dash.overview.noPayments")}</p> : null}
      {o.chart ? (
        <div className="section">
          <h3 className="section-title">{t("dash.overview.chartHeading", { currency: o.chart.currency })}</h3>
          {o.chartCurrencies.length > 1 ? (
            <nav className="chart-currencies" aria-label={t("dash.overview.chartCurrency")}>
              {o.chartCurrencies.map((c) => (
                <Link key={c} to={`/dashboard?currency=${c}`} aria-current={c === o.chart?.currency ? "true" : undefined}>
                  {c}
                </Link>
              ))}
            </nav>
          ) : null}
          <RevenueChart currency={o.chart.currency} points={o.chart.points} max={o.chart.max} />
        </div>
      ) : null}
    </section>
  );
}

function AtRisk({ rows }: { rows: LoaderData["atRisk"] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="at-risk-title" className="section" data-testid="at-risk">
      <h2 id="at-risk-title" className="section-title">
        {t("dash.overview.atRisk")}
      </h2>
      {rows.length === 0 ? <p className="muted">{t("dash.overview.nothingAtRisk")}</p> : null}
      <ul className="rows">
        {rows.map((r) => (
          <li key={r.key} data-testid="at-risk-row" data-kind={r.kind}>
            <div className="row-main">
              <span className={`badge ${r.kind === "cancelling" || r.kind === "low_wallet" ? "warn" : "bad"}`}>{t(`dash.overview.risk.${r.kind}`)}</span>{" "}
              <Link to={`/dashboard/customers/${r.customerId}`}>{r.customer}</Link>
              <p className="muted small">
                {[r.product, r.amount, r.used !== null && r.limit !== null ? t("dash.customer.activations", { count: r.used, limit: r.limit }) : null].filter(Boolean).join(" · ")}
                {r.at.iso ? (
                  <>
                    {" · "}
                    <Time {...r.at} />
                  </>
                ) : null}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export const ErrorBoundary = DashboardErrorView;
