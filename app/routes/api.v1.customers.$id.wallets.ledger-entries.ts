import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { CreateLedgerEntrySchema, ListLedgerEntriesQuerySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { bookLedgerEntry, listLedgerEntries, serializeLedgerEntry } from "~/models/wallets.server";

const route = merchantApiRoute({
  GET: ({ merchant, params, query }) => {
    const { limit, starting_after, currency } = parseInput(ListLedgerEntriesQuerySchema, query);
    const page = listLedgerEntries({ merchantId: merchant.id, customerId: params.id!, currency, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeLedgerEntry) };
  },
  POST: ({ merchant, actor, params, body, request }) => {
    const input = parseInput(CreateLedgerEntrySchema, body);
    // The Idempotency-Key header doubles as the entry's key when the body names none.
    const idempotencyKey = input.idempotency_key ?? request.headers.get("idempotency-key") ?? undefined;
    const { entry, replayed } = bookLedgerEntry({
      merchantId: merchant.id,
      customerId: params.id!,
      input: { ...input, idempotency_key: idempotencyKey },
      actor,
    });
    return { status: 201, body: serializeLedgerEntry(entry), headers: replayed ? { "Idempotent-Replayed": "true" } : undefined };
  },
});

export const loader = route;
export const action = route;
