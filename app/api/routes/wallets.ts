import { listBody } from "~/api/lists.server";
import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { CreateLedgerEntrySchema, ListLedgerEntriesQuerySchema, ListWalletsQuerySchema } from "~/schemas/billing";
import { bookLedgerEntry, listLedgerEntries, listWallets, serializeLedgerEntry, serializeWallet } from "~/models/wallets.server";

/** `/customers/:id/wallets` */
export const wallets: Handlers<MerchantContext> = {
  GET: ({ merchant, params, query }) => {
    parseInput(ListWalletsQuerySchema, query);
    const data = listWallets({ merchantId: merchant.id, customerId: params.id! }).map(serializeWallet);
    return { status: 200, body: { object: "list", data, has_more: false } };
  },
};

/** `/customers/:id/wallets/ledger-entries` */
export const ledgerEntries: Handlers<MerchantContext> = {
  GET: ({ merchant, params, query }) => {
    const { limit, starting_after, currency } = parseInput(ListLedgerEntriesQuerySchema, query);
    const page = listLedgerEntries({ merchantId: merchant.id, customerId: params.id!, currency, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeLedgerEntry) };
  },
  POST: ({ merchant, actor, params, body, header }) => {
    const input = parseInput(CreateLedgerEntrySchema, body);
    // The Idempotency-Key header doubles as the entry's key when the body names none.
    const idempotencyKey = input.idempotency_key ?? header("idempotency-key") ?? undefined;
    const { entry, replayed } = bookLedgerEntry({
      merchantId: merchant.id,
      customerId: params.id!,
      input: { ...input, idempotency_key: idempotencyKey },
      actor,
    });
    return { status: 201, body: serializeLedgerEntry(entry), headers: replayed ? { "Idempotent-Replayed": "true" } : undefined };
  },
};
