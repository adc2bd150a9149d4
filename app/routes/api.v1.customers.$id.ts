import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { UpdateCustomerSchema } from "~/api/schemas/customers";
import { deleteCustomer, getCustomer, serializeCustomer, updateCustomer } from "~/models/customers.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({
    status: 200,
    body: serializeCustomer(getCustomer({ merchantId: merchant.id, id: params.id! })),
  }),
  PATCH: ({ merchant, apiKey, params, body }) => {
    const patch = parseInput(UpdateCustomerSchema, body);
    const customer = updateCustomer({ merchantId: merchant.id, id: params.id!, patch, actor: { type: "api_key", id: apiKey.id } });
    return { status: 200, body: serializeCustomer(customer) };
  },
  DELETE: ({ merchant, apiKey, params }) => ({
    status: 200,
    body: deleteCustomer({ merchantId: merchant.id, id: params.id!, actor: { type: "api_key", id: apiKey.id } }),
  }),
});

export const loader = route;
export const action = route;
