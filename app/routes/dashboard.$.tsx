import type { LoaderFunctionArgs } from "@remix-run/node";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { dashboardError, requireStaff } from "~/dashboard/guards.server";

// A dashboard URL nothing else claims: signed-out people are sent to sign in like on any
// dashboard page; signed-in people get the 404 inside the shell.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, null);
  throw dashboardError(404, "not_found");
}

export default function DashboardNotFound() {
  return null;
}

export const ErrorBoundary = DashboardErrorView;
