import { merchantApiRoute } from "~/api/route.server";
import { ListWalletsQuerySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { listWallets, serializeWallet } from "~/models/wallets.server";

const route = merchantApiRoute({
  GET: ({ merchant, params, query }) => {
    parseInput(ListWalletsQuerySchema, query);
    const data = listWallets({ merchantId: merchant.id, customerId: params.id! }).map(serializeWallet);
    return { status: 200, body: { object: "list", data, has_more: false } };
  },
});

export const loader = route;
