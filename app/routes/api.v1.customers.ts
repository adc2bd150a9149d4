import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { CreateCustomerSchema, ListCustomersQuerySchema as ListQuerySchema } from "~/api/schemas/customers";
import { parseInput } from "~/api/validation.server";
import { createCustomer, listCustomers, serializeCustomer } from "~/models/customers.server";

const route = merchantApiRoute({
  GET: ({ merchant, query }) => {
    const { limit, starting_after, ...filters } = parseInput(ListQuerySchema, query);
    const page = listCustomers({ merchantId: merchant.id, filters, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeCustomer) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreateCustomerSchema, body);
    const customer = createCustomer({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serializeCustomer(customer) };
  },
});

export const loader = route;
export const action = route;
