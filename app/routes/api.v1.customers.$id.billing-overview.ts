import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { BillingOverviewQuerySchema } from "~/schemas/customers";
import { getBillingOverview, serializeBillingOverview } from "~/models/billing-overview.server";

const route = merchantApiRoute({
  GET: ({ merchant, params, query }) => {
    parseInput(BillingOverviewQuerySchema, query);
    return { status: 200, body: serializeBillingOverview(getBillingOverview({ merchantId: merchant.id, customerId: params.id! })) };
  },
});

export const loader = route;
