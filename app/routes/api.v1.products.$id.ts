import { merchantApiRoute } from "~/api/route.server";
import { UpdateProductSchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { requireProduct, serializeProduct, updateProduct } from "~/models/products.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({ status: 200, body: serializeProduct(requireProduct({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, actor, params, body }) => {
    const patch = parseInput(UpdateProductSchema, body);
    const product = updateProduct({ merchantId: merchant.id, id: params.id!, patch, actor });
    return { status: 200, body: serializeProduct(product) };
  },
});

export const loader = route;
export const action = route;
