import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { usageMeterView } from "~/billing/usage-meters";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { UsageMeters } from "~/components/usage-meters";
import { requireStaffCustomer, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";
import { listEntitlements } from "~/models/entitlements.server";

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

// The portal's meters (Autumn's feature usage, Lago's current usage), with the period and its
// interval for staff. Shown whatever the portal's `usage` setting says: staff see usage even
// when customers do not (the tab says so).
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const customer = requireStaffCustomer(s, params.id);
  const states = tabPage(() => listEntitlements({ merchantId: s.merchant.id, customerId: customer.id }));
  return json(
    {
      meters: states.map((state) => usageMeterView(state, s.locale, (d) => when(d, s.locale).text!)),
      shownInPortal: s.merchant.portalSettings.features.usage.enabled,
    },
    { headers: NO_STORE },
  );
}

export default function CustomerUsage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <section aria-labelledby="usage-title" data-testid="tab-panel-usage">
      <h2 id="usage-title" className="section-title">
        {t("dash.customer.tabs.usage")}
      </h2>
      <p className="muted">{t("dash.customer.usageIntro")}</p>
      {data.shownInPortal ? null : (
        <p className="muted small" data-testid="usage-hidden-in-portal">
          {t("dash.customer.usageHiddenInPortal")}
        </p>
      )}
      {data.meters.length === 0 ? (
        <p className="muted" data-testid="usage-empty">
          {t("dash.customer.noUsage")}
        </p>
      ) : (
        <UsageMeters meters={data.meters} headingLevel={3} showPeriod />
      )}
    </section>
  );
}

export const ErrorBoundary = DashboardErrorView;
