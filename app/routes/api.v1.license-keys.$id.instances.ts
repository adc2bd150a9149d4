import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { ListInstancesQuerySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { listInstances, serializeInstance } from "~/models/license-keys.server";

const route = merchantApiRoute({
  GET: ({ merchant, params, query }) => {
    const { limit, starting_after } = parseInput(ListInstancesQuerySchema, query);
    const page = listInstances({ merchantId: merchant.id, licenseKeyId: params.id!, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeInstance) };
  },
});

export const loader = route;
