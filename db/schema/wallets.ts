import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { customerRef } from "./customers";
import { merchantRef } from "./merchants";

export const ledgerEntryTypes = ["credit", "debit"] as const;

export const walletLedgerEntries = sqliteTable(
  "wallet_ledger_entries",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    currency: text().notNull(),
    amount: integer().notNull(),
    entryType: text({ enum: ledgerEntryTypes }).notNull(),
    reason: text(),
    idempotencyKey: text(),
    balanceAfter: integer().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // A repeated idempotency_key books nothing: the unique index is the final guard.
    uniqueIndex("wallet_ledger_idempotency_uq")
      .on(t.customerId, t.idempotencyKey)
      .where(sql`idempotency_key is not null`),
    index("wallet_ledger_customer_created_idx").on(t.customerId, t.createdAt, t.seq),
    check("wallet_ledger_amount_positive", sql`amount > 0`),
  ],
);

export const wallets = sqliteTable(
  "wallets",
  {
    customerId: customerRef(),
    currency: text().notNull(),
    balance: integer().notNull(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.currency] }),
    // Latest change first: the overview's low-balance wallets are found by walking from the newest
    // until enough qualify, instead of checking every wallet of the merchant.
    index("wallets_updated_idx").on(t.updatedAt),
    check("wallets_balance_non_negative", sql`balance >= 0`),
  ],
);

export type WalletLedgerEntry = typeof walletLedgerEntries.$inferSelect;
export type Wallet = typeof wallets.$inferSelect;
