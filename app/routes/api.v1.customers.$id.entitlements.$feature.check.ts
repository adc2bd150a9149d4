import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { CheckEntitlementSchema } from "~/schemas/entitlements";
import { checkEntitlement } from "~/models/entitlements.server";

const route = merchantApiRoute({
  // A read on the merchant's hot path: no transaction, nothing stored.
  POST: {
    readOnly: ({ merchant, params, body }) => {
      const { quantity } = parseInput(CheckEntitlementSchema, body);
      const result = checkEntitlement({ merchantId: merchant.id, customerId: params.id!, feature: params.feature!, quantity: quantity ?? 1 });
      return { status: 200, body: result };
    },
  },
});

export const loader = route;
export const action = route;
