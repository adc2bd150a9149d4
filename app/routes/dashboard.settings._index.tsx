import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";

// /dashboard/settings opens its first section; a page (not a resource route), so a refusal is
// the dashboard's 403 page like everywhere else.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "settings:read");
  return redirect("/dashboard/settings/portal", { status: 303, headers: NO_STORE });
}

export default function SettingsIndex() {
  return null;
}

export const ErrorBoundary = DashboardErrorView;
