import { listBody } from "~/api/lists.server";
import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { CreateProductSchema, ListProductsQuerySchema, UpdateProductSchema } from "~/schemas/billing";
import { createProduct, listProducts, requireProduct, serializeProduct, updateProduct } from "~/models/products.server";

/** `/products` */
export const productList: Handlers<MerchantContext> = {
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
};

/** `/products/:id` */
export const product: Handlers<MerchantContext> = {
  GET: ({ merchant, params }) => ({ status: 200, body: serializeProduct(requireProduct({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, actor, params, body }) => {
    const patch = parseInput(UpdateProductSchema, body);
    const product = updateProduct({ merchantId: merchant.id, id: params.id!, patch, actor });
    return { status: 200, body: serializeProduct(product) };
  },
};
