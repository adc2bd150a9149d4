import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { CheckEntitlementSchema, ListEntitlementsQuerySchema, PutEntitlementSchema, RecordUsageSchema } from "~/schemas/entitlements";
import {
  checkEntitlement,
  listEntitlements,
  putEntitlement,
  recordUsage,
  serializeEntitlement,
  serializeUsageRecord,
} from "~/models/entitlements.server";

/** `/customers/:id/entitlements` */
export const entitlementList: Handlers<MerchantContext> = {
  GET: ({ merchant, params, query }) => {
    parseInput(ListEntitlementsQuerySchema, query);
    const data = listEntitlements({ merchantId: merchant.id, customerId: params.id! }).map(serializeEntitlement);
    return { status: 200, body: { object: "list", data, has_more: false } };
  },
};

/** `/customers/:id/entitlements/:feature` */
export const entitlement: Handlers<MerchantContext> = {
  PUT: ({ merchant, actor, params, body }) => {
    const input = parseInput(PutEntitlementSchema, body);
    const state = putEntitlement({ merchantId: merchant.id, customerId: params.id!, feature: params.feature!, input, actor });
    return { status: 200, body: serializeEntitlement(state) };
  },
};

/** `/customers/:id/entitlements/:feature/check` */
export const entitlementCheck: Handlers<MerchantContext> = {
  // A read on the merchant's hot path: no transaction, nothing stored.
  POST: {
    readOnly: ({ merchant, params, body }) => {
      const { quantity } = parseInput(CheckEntitlementSchema, body);
      const result = checkEntitlement({ merchantId: merchant.id, customerId: params.id!, feature: params.feature!, quantity: quantity ?? 1 });
      return { status: 200, body: result };
    },
  },
};

/** `/customers/:id/usage` */
export const usage: Handlers<MerchantContext> = {
  POST: ({ merchant, actor, params, body, header }) => {
    const input = parseInput(RecordUsageSchema, body);
    // As for wallet entries, the Idempotency-Key header doubles as the record's key when the body names none.
    const idempotencyKey = input.idempotency_key ?? header("idempotency-key") ?? undefined;
    const { record, replayed } = recordUsage({
      merchantId: merchant.id,
      customerId: params.id!,
      input: { ...input, idempotency_key: idempotencyKey },
      actor,
    });
    return { status: 201, body: serializeUsageRecord(record), headers: replayed ? { "Idempotent-Replayed": "true" } : undefined };
  },
};
