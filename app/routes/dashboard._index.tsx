import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { Notice, PageHeader } from "~/components/dashboard/ui";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";
import { noticeOf } from "~/dashboard/notices.server";
import { merchantDisplayName } from "~/models/merchants.server";
import { twoFactorEnabled } from "~/models/staff-two-factor.server";

// The dashboard's home for now: who you are, for which merchant, and where to go. Part 2 of the
// dashboard replaces it with the overview (revenue cards, at-risk list).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  return json(
    {
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

export const ErrorBoundary = DashboardErrorView;
