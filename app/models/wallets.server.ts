import { and, asc, eq, gt } from "drizzle-orm";
import { walletLedgerEntries, wallets, type Wallet, type WalletLedgerEntry } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { audit, type Actor } from "./audit.server";
import { requireCustomer } from "./customers.server";
import { conflict, invalid } from "./errors.server";
import { paginate } from "./pagination.server";

export function serializeWallet(w: Wallet) {
  return { object: "wallet" as const, currency: w.currency, balance: w.balance, updated_at: w.updatedAt.toISOString() };
}

export function serializeLedgerEntry(e: WalletLedgerEntry) {
  return {
    id: e.id,
    object: "wallet_ledger_entry" as const,
    customer_id: e.customerId,
    currency: e.currency,
    amount: e.amount,
    entry_type: e.entryType,
    reason: e.reason,
    idempotency_key: e.idempotencyKey,
    balance_after: e.balanceAfter,
    created_at: e.createdAt.toISOString(),
  };
}

/** One wallet per currency that has entries, for a live customer of this merchant. */
export function listWallets({ merchantId, customerId }: { merchantId: string; customerId: string }) {
  const customer = requireCustomer({ merchantId, id: customerId, field: "id" });
  return db.select().from(wallets).where(eq(wallets.customerId, customer.id)).orderBy(asc(wallets.currency)).all();
}

export function listLedgerEntries(opts: {
  merchantId: string;
  customerId: string;
  currency?: string;
  limit: number;
  startingAfter?: string;
}) {
  const customer = requireCustomer({ merchantId: opts.merchantId, id: opts.customerId, field: "id" });
  const where = and(
    eq(walletLedgerEntries.merchantId, opts.merchantId),
    eq(walletLedgerEntries.customerId, customer.id),
    opts.currency ? eq(walletLedgerEntries.currency, opts.currency) : undefined,
  );
  return paginate({ table: walletLedgerEntries, where, limit: opts.limit, startingAfter: opts.startingAfter });
}

/**
 * Books a credit or a debit and moves the balance, inside the caller's IMMEDIATE transaction:
 * concurrent debits serialize, a debit past the balance is refused (and the balance >= 0 check
 * constraint is the last guard). A repeated idempotency key with the same entry returns the first
 * entry and books nothing (`replayed: true`); with a different entry it is a conflict.
 */
export function bookLedgerEntry(opts: {
  merchantId: string;
  customerId: string;
  input: { currency: string; amount: number; entry_type: "credit" | "debit"; reason?: string | null; idempotency_key?: string | null };
  actor: Actor;
}): { entry: WalletLedgerEntry; replayed: boolean } {
  const { merchantId, input } = opts;
  const customer = requireCustomer({ merchantId, id: opts.customerId, field: "id" });
  if (input.idempotency_key) {
    const first = db
      .select()
      .from(walletLedgerEntries)
      .where(
        and(
          eq(walletLedgerEntries.merchantId, merchantId),
          eq(walletLedgerEntries.customerId, customer.id),
          eq(walletLedgerEntries.idempotencyKey, input.idempotency_key),
        ),
      )
      .get();
    if (first) {
      // The same key for another entry is a client bug, never a silent replay of the first.
      const same =
        first.currency === input.currency &&
        first.amount === input.amount &&
        first.entryType === input.entry_type &&
        (first.reason ?? null) === (input.reason ?? null);
      if (!same) {
        throw conflict("idempotency_key_reused", "This idempotency_key was already used for a different ledger entry.", "idempotency_key");
      }
      return { entry: first, replayed: true };
    }
  }
  const wallet = db
    .select()
    .from(wallets)
    .where(and(eq(wallets.customerId, customer.id), eq(wallets.currency, input.currency)))
    .get();
  const balance = wallet?.balance ?? 0;
  const balanceAfter = input.entry_type === "credit" ? balance + input.amount : balance - input.amount;
  if (balanceAfter < 0) {
    throw invalid("insufficient_balance", `The ${input.currency} wallet holds ${balance}; a debit of ${input.amount} would make it negative.`, "amount");
  }
  if (!Number.isSafeInteger(balanceAfter)) throw invalid("balance_too_large", "The wallet balance would be too large.", "amount");
  const at = now();
  const entry = db
    .insert(walletLedgerEntries)
    .values({
      id: newId("walletLedgerEntry"),
      merchantId,
      customerId: customer.id,
      currency: input.currency,
      amount: input.amount,
      entryType: input.entry_type,
      reason: input.reason ?? null,
      idempotencyKey: input.idempotency_key ?? null,
      balanceAfter,
      createdAt: at,
    })
    .returning()
    .get();
  db.insert(wallets)
    .values({ customerId: customer.id, currency: input.currency, balance: balanceAfter, updatedAt: at })
    .onConflictDoUpdate({ target: [wallets.customerId, wallets.currency], set: { balance: balanceAfter, updatedAt: at } })
    .run();
  audit({ merchantId, actor: opts.actor, action: `wallet.${input.entry_type}`, objectType: "wallet_ledger_entry", objectId: entry.id, data: { currency: input.currency, amount: input.amount } });
  return { entry, replayed: false };
}

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
