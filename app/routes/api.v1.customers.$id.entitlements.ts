import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { ListEntitlementsQuerySchema } from "~/schemas/entitlements";
import { listEntitlements, serializeEntitlement } from "~/models/entitlements.server";

const route = merchantApiRoute({
  GET: ({ merchant, params, query }) => {
    parseInput(ListEntitlementsQuerySchema, query);
    const data = listEntitlements({ merchantId: merchant.id, customerId: params.id! }).map(serializeEntitlement);
    return { status: 200, body: { object: "list", data, has_more: false } };
  },
});

export const loader = route;
