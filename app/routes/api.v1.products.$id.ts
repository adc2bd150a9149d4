import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { UpdateProductSchema } from "~/api/schemas/billing";
import { getProduct, serializeProduct, updateProduct } from "~/models/products.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({ status: 200, body: serializeProduct(getProduct({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, apiKey, params, body }) => {
    const patch = parseInput(UpdateProductSchema, body);
    const product = updateProduct({ merchantId: merchant.id, id: params.id!, patch, actor: { type: "api_key", id: apiKey.id } });
    return { status: 200, body: serializeProduct(product) };
  },
});

export const loader = route;
export const action = route;
