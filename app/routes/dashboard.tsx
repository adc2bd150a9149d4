import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { I18nextProvider } from "react-i18next";
import { DashboardShell } from "~/components/dashboard/shell";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";
import { merchantDisplayName } from "~/models/merchants.server";
import { twoFactorEnabled } from "~/models/staff-two-factor.server";
import { listMembershipsOf } from "~/models/staff-users.server";
import { getI18n, translator } from "~/i18n/index";
import dashboardStyles from "~/styles/dashboard.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.merchant.name} · ${data.title}` : "Portico" }];
// Signed-in pages are never stored: after sign-out, Back shows nothing.
export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The layout lets a member without required two-factor through: every page's own guard sends
  // them to enrolment, and the security page (where they enrol) needs this frame.
  const s = await requireStaff(request, context, null, { allowWithoutTwoFactor: true });
  return json(
    {
      locale: s.locale,
      title: translator(s.locale)("dash.title"),
      staff: { name: s.staff.name, email: s.staff.email },
      merchant: { id: s.merchant.id, name: merchantDisplayName(s.merchant) },
      role: s.membership.role,
      memberships: listMembershipsOf(s.staff.id).map((m) => ({ merchantId: m.merchantId, name: m.merchantName, role: m.role })),
      nav: { audit: s.can("audit:read"), settings: s.can("settings:read") },
      enrolmentRequired: s.merchant.staffTwoFactorRequired && !twoFactorEnabled(s.staff),
    },
    { headers: NO_STORE },
  );
}

export type DashboardLayoutData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function DashboardLayout() {
  const data = useLoaderData<typeof loader>();
  return (
    <I18nextProvider i18n={getI18n(data.locale)}>
      <DashboardShell data={data}>
        <Outlet />
      </DashboardShell>
    </I18nextProvider>
  );
}
