import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { CreateProductSchema, ListProductsQuerySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { createProduct, listProducts, serializeProduct } from "~/models/products.server";

const route = merchantApiRoute({
  GET: ({ merchant, query }) => {
    const { limit, starting_after, type } = parseInput(ListProductsQuerySchema, query);
    const page = listProducts({ merchantId: merchant.id, type, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeProduct) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreateProductSchema, body);
    const product = createProduct({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serializeProduct(product) };
  },
});

export const loader = route;
export const action = route;
