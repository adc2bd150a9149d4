import { eq } from "drizzle-orm";
import { customers } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { audit, type Actor } from "./audit.server";
import { requireCustomer } from "./customers.server";
import { endPortalAccessForCustomer } from "./portal-sessions.server";
import { cancelSubscriptionsOfDeletedCustomer } from "./subscriptions.server";
import { voidWallets } from "./wallets.server";

/**
 * Deletes a customer (soft): ends every portal and browser session, cancels live subscriptions
 * at once, voids wallet balances, and frees the email and external_id for reuse. Payments and
 * invoices stay retrievable by id.
 */
export function deleteCustomer({ merchantId, id, actor }: { merchantId: string; id: string; actor: Actor }) {
  const customer = requireCustomer({ merchantId, id });
  const at = now();
  db.update(customers).set({ deletedAt: at, updatedAt: at }).where(eq(customers.id, customer.id)).run();
  endPortalAccessForCustomer({ customerId: customer.id });
  cancelSubscriptionsOfDeletedCustomer({ merchantId, customerId: customer.id, actor });
  voidWallets({ merchantId, customerId: customer.id });
  audit({ merchantId, actor, action: "customer.deleted", objectType: "customer", objectId: id });
  return { id: customer.id, object: "customer" as const, deleted: true as const };
}
