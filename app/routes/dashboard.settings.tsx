import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "settings:read");
  return json({}, { headers: NO_STORE });
}

/** The settings section: its own navigation beside (desktop) or above (phone) the page. */
export default function SettingsLayout() {
  const { t } = useTranslation();
  const items = [
    { to: "/dashboard/settings/portal", label: t("dash.settings.portal"), id: "portal" },
    { to: "/dashboard/settings/api-keys", label: t("dash.settings.apiKeys"), id: "api-keys" },
    { to: "/dashboard/settings/webhooks", label: t("dash.settings.webhooks"), id: "webhooks" },
    { to: "/dashboard/settings/team", label: t("dash.settings.team"), id: "team" },
  ];
  return (
    <div className="settings">
      <nav className="settings-nav" aria-label={t("dash.settings.label")} data-testid="settings-nav">
        <ul>
          {items.map((i) => (
            <li key={i.id}>
              <NavLink to={i.to} prefetch="intent" data-testid={`settings-nav-${i.id}`}>
                {i.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-page">
        <Outlet />
      </div>
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
