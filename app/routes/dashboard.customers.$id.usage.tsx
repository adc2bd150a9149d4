import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { usageMeterView } from "~/billing/usage-meters";
import { CustomerTabPanel } from "~/components/dashboard/customer";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { UsageMeters } from "~/components/usage-meters";
import { requireCustomerTab, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { NO_STORE } from "~/dashboard/guards.server";
import { listEntitlements } from "~/models/entitlements.server";

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

// The portal's meters (Autumn's feature usage, Lago's current usage), with the period and its
// interval for staff. Shown whatever the portal's `usage` setting says: staff see usage even
// when customers do not (the tab says so).
export async function loader(args: LoaderFunctionArgs) {
  const { s, scope } = await requireCustomerTab(args);
  const states = tabPage(() => listEntitlements(scope));
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
    <CustomerTabPanel tab="usage" empty={data.meters.length === 0 ? t("dash.customer.noUsage") : null}>
      <p className="muted">{t("dash.customer.usageIntro")}</p>
      {data.shownInPortal ? null : (
        <p className="muted small" data-testid="usage-hidden-in-portal">
          {t("dash.customer.usageHiddenInPortal")}
        </p>
      )}
      {data.meters.length > 0 ? <UsageMeters meters={data.meters} headingLevel={3} showPeriod /> : null}
    </CustomerTabPanel>
  );
}

export const ErrorBoundary = DashboardErrorView;
