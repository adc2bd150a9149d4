import { merchantApiRoute } from "~/api/route.server";
import { UpdateCustomerSchema } from "~/api/schemas/customers";
import { parseInput } from "~/api/validation.server";
import { deleteCustomer } from "~/models/customer-deletion.server";
import { requireCustomer, serializeCustomer, updateCustomer } from "~/models/customers.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({
    status: 200,
    body: serializeCustomer(requireCustomer({ merchantId: merchant.id, id: params.id! })),
  }),
  PATCH: ({ merchant, actor, params, body }) => {
    const patch = parseInput(UpdateCustomerSchema, body);
    const customer = updateCustomer({ merchantId: merchant.id, id: params.id!, patch, actor });
    return { status: 200, body: serializeCustomer(customer) };
  },
  DELETE: ({ merchant, actor, params }) => ({
    status: 200,
    body: deleteCustomer({ merchantId: merchant.id, id: params.id!, actor }),
  }),
});

export const loader = route;
export const action = route;
