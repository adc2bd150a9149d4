import type { Customer } from "#db/schema/index";
import { when } from "./format.server";
import type { StaffContext } from "./guards.server";
import { money } from "./customers.server";

export type OverviewView = {
  currencies: { currency: string; gross: string; refunded: string; net: string; overdue: string | null; failedPayments: number; lastPaymentAt: ReturnType<typeof when> }[];
  activeSubscriptions: number;
  pastDueSubscriptions: number;
} | null;

/**
 * The customer page's billing overview (Lago's): per currency gross, refunded, net and what is
 * overdue, and the last payment. Null until the domain's billing overview is available on this
 * branch (the `parity` branch brings getBillingOverview; see the report).
 */
export function customerBillingOverview(_s: StaffContext, _customer: Customer): OverviewView {
  void money;
  return null;
}
