import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireStaffCustomer, runAction } from "~/dashboard/customers.server";
import { formString } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaffAction } from "~/dashboard/guards.server";
import { redirectWithNotice } from "~/dashboard/notices.server";
import { safeRedirectPath } from "~/dashboard/redirects.server";
import { createPortalSession, preparePortalSession } from "~/models/portal-sessions.server";
import { rateLimiter, RateLimitedError } from "~/utils/rate-limit.server";

// No state changes on GET: the address is only for the form's POST.
export const loader = ({ params }: LoaderFunctionArgs) => redirect(`/dashboard/customers/${encodeURIComponent(params.id ?? "")}`, { status: 303, headers: NO_STORE });

/**
 * POST /dashboard/customers/<id>/invite (DASHBOARD.md): emails the customer an emailed-kind
 * portal link (24 hours, with its one-time code), through the API's own functions, so the
 * portal_session.created webhook names the staff member. Limited per customer.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "customers:write", context.clientIp);
  const form = await request.formData();
  const customer = requireStaffCustomer(s, params.id);
  const back = safeRedirectPath(formString(form, "redirect_to"), `/dashboard/customers/${customer.id}`);
  const to = back.startsWith("/dashboard/customers") ? back : `/dashboard/customers/${customer.id}`;
  try {
    rateLimiter.enforce("dashboard.invite.customer", `${s.merchant.id}:${customer.id}`);
  } catch (error) {
    if (error instanceof RateLimitedError) throw dashboardError(429, "rate_limited", { "Retry-After": String(error.retryAfterS) });
    throw error;
  }
  const prepared = await preparePortalSession({ merchant: s.merchant, customerId: customer.id, input: { send_email: true } });
  const done = runAction(() => createPortalSession({ merchant: s.merchant, prepared, actor: s.actor }));
  if (!done.ok) throw dashboardError(404, "not_found");
  return redirectWithNotice(to, "customer_invited");
}
