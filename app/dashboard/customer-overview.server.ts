import type { Customer } from "#db/schema/index";
import { getBillingOverview } from "~/models/billing-overview.server";
import { money } from "./customers.server";
import { when } from "./format.server";
import type { StaffContext } from "./guards.server";

/**
 * The customer page's billing overview (Lago's), from the domain's getBillingOverview (the same
 * figures as GET /customers/{id}/billing-overview): per currency gross, refunded, net, what is
 * overdue and the last payment, formatted for the page's language.
 */
export function customerBillingOverview(s: StaffContext, customer: Customer) {
  const o = getBillingOverview({ merchantId: s.merchant.id, customerId: customer.id });
  return {
    currencies: o.currencies.map((c) => ({
      currency: c.currency,
      gross: money(c.grossRevenue, c.currency, s.locale),
      refunded: money(c.refunded, c.currency, s.locale),
      net: money(c.netRevenue, c.currency, s.locale),
      overdue: c.overdue > 0 ? money(c.overdue, c.currency, s.locale) : null,
      failedPayments: c.failedPayments,
      lastPaymentAt: when(c.lastPaymentAt, s.locale),
    })),
    activeSubscriptions: o.activeSubscriptions,
    pastDueSubscriptions: o.pastDueSubscriptions,
  };
}
