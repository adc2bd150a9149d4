import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { PutEntitlementSchema } from "~/schemas/entitlements";
import { putEntitlement, serializeEntitlement } from "~/models/entitlements.server";

const route = merchantApiRoute({
  PUT: ({ merchant, actor, params, body }) => {
    const input = parseInput(PutEntitlementSchema, body);
    const state = putEntitlement({ merchantId: merchant.id, customerId: params.id!, feature: params.feature!, input, actor });
    return { status: 200, body: serializeEntitlement(state) };
  },
});

export const loader = route;
export const action = route;
