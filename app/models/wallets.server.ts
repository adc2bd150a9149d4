import { and, eq, gt } from "drizzle-orm";
import { walletLedgerEntries, wallets } from "#db/schema/index";
import { db } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids.server";

/** Customer deletion books a debit of every remaining balance, so the ledger still adds up. */
export function voidWallets({ merchantId, customerId }: { merchantId: string; customerId: string }) {
  const at = now();
  const open = db
    .select()
    .from(wallets)
    .where(and(eq(wallets.customerId, customerId), gt(wallets.balance, 0)))
    .all();
  for (const wallet of open) {
    db.insert(walletLedgerEntries)
      .values({
        id: newId("walletLedgerEntry"),
        merchantId,
        customerId,
        currency: wallet.currency,
        amount: wallet.balance,
        entryType: "debit",
        reason: "customer_deleted",
        balanceAfter: 0,
        createdAt: at,
      })
      .run();
    db.update(wallets)
      .set({ balance: 0, updatedAt: at })
      .where(and(eq(wallets.customerId, customerId), eq(wallets.currency, wallet.currency)))
      .run();
  }
}
