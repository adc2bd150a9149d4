import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { RecordUsageSchema } from "~/schemas/entitlements";
import { recordUsage, serializeUsageRecord } from "~/models/entitlements.server";

const route = merchantApiRoute({
  POST: ({ merchant, actor, params, body, request }) => {
    const input = parseInput(RecordUsageSchema, body);
    // As for wallet entries, the Idempotency-Key header doubles as the record's key when the body names none.
    const idempotencyKey = input.idempotency_key ?? request.headers.get("idempotency-key") ?? undefined;
    const { record, replayed } = recordUsage({
      merchantId: merchant.id,
      customerId: params.id!,
      input: { ...input, idempotency_key: idempotencyKey },
      actor,
    });
    return { status: 201, body: serializeUsageRecord(record), headers: replayed ? { "Idempotent-Replayed": "true" } : undefined };
  },
});

export const loader = route;
export const action = route;
