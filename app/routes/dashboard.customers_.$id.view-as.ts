import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireStaffCustomer } from "~/dashboard/customers.server";
import { dashboardError, NO_STORE, requireStaffAction } from "~/dashboard/guards.server";
import { audit } from "~/models/audit.server";
import { prepareLink, storeLink } from "~/models/portal-sessions.server";
import { startBrowserSession } from "~/portal/session.server";
import { writeTransaction } from "~/utils/db.server";

export const loader = ({ params }: LoaderFunctionArgs) => redirect(`/dashboard/customers/${encodeURIComponent(params.id ?? "")}`, { status: 303, headers: NO_STORE });

/**
 * "View portal as customer" (DASHBOARD.md): opens the real portal as this customer, read-only.
 * A one-minute link of its own purpose (`staff_view`) is minted and exchanged at once for a
 * portal browser session that names the staff session: the portal shows a banner, refuses every
 * action (403, nothing changes) and ends the view when the staff session ends. Audited.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "customers:write", context.clientIp);
  const customer = requireStaffCustomer(s, params.id);
  const prepared = await prepareLink({ merchant: s.merchant, customer, kind: "redirect", purpose: "staff_view", lifetimeS: 60, returnUrl: null, locale: s.locale, flow: null });
  const link = writeTransaction(() => {
    const row = storeLink(prepared);
    audit({ merchantId: s.merchant.id, actor: s.actor, action: "customer.viewed_as", objectType: "customer", objectId: customer.id, data: { portal_session_id: row.id } });
    return row;
  });
  const cookie = await startBrowserSession({
    portalSessionId: link.id,
    customerId: customer.id,
    merchantId: s.merchant.id,
    locale: s.locale,
    returnUrl: null,
    viewAs: { staffSessionSeq: s.session.seq, staffUserId: s.staff.id },
  });
  if (!cookie) throw dashboardError(404, "not_found");
  return redirect("/portal", { status: 303, headers: { ...NO_STORE, "Set-Cookie": cookie } });
}
