import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { CreateLicenseKeySchema, ListLicenseKeysQuerySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { createLicenseKey, listLicenseKeys, serializeLicenseKey } from "~/models/license-keys.server";

const route = merchantApiRoute({
  GET: ({ merchant, query }) => {
    const { limit, starting_after, customer_id } = parseInput(ListLicenseKeysQuerySchema, query);
    const page = listLicenseKeys({ merchantId: merchant.id, customerId: customer_id, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeLicenseKey) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreateLicenseKeySchema, body);
    const created = createLicenseKey({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serializeLicenseKey(created) };
  },
});

export const loader = route;
export const action = route;
