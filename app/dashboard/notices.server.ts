import { redirect } from "@remix-run/node";
import { NO_STORE } from "./guards.server";
import { safeRedirectPath } from "./redirects.server";

// Post/redirect/get: an action answers 303 to its page with one of these in `?notice=`.
export const DASHBOARD_NOTICES = [
  "signed_out",
  "setup_done",
  "invite_accepted",
  "password_changed",
  "session_ended",
  "other_sessions_ended",
  "two_factor_enabled",
  "two_factor_disabled",
  "language_changed",
  "merchant_switched",
  "settings_saved",
  "key_revoked",
  "endpoint_deleted",
  "test_event_sent",
  "event_resent",
  "invite_sent",
  "invite_revoked",
  "role_changed",
  "member_removed",
  "requirement_saved",
  "unchanged",
  "customer_created",
  "customer_saved",
  "metadata_saved",
  "customer_invited",
  "customer_deleted",
  "refunded",
  "subscription_cancelled",
  "cancellation_scheduled",
  "subscription_resumed",
  "subscription_created",
  "license_key_saved",
  "instance_deactivated",
  "wallet_credited",
  "wallet_debited",
  "view_saved",
  "view_deleted",
  "columns_saved",
] as const;
export type DashboardNotice = (typeof DASHBOARD_NOTICES)[number];

export function redirectWithNotice(path: string, notice: DashboardNotice, headers: Record<string, string> = {}) {
  const url = new URL(safeRedirectPath(path), "http://dashboard.invalid");
  url.searchParams.set("notice", notice);
  return redirect(`${url.pathname}${url.search}`, { status: 303, headers: { ...NO_STORE, ...headers } });
}

export function noticeOf(request: Request): DashboardNotice | null {
  const value = new URL(request.url).searchParams.get("notice");
  return (DASHBOARD_NOTICES as readonly string[]).includes(value ?? "") ? (value as DashboardNotice) : null;
}
