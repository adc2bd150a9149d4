import { merchantApiRoute } from "~/api/route.server";
import { RetrieveCustomerQuerySchema, UpdateCustomerSchema } from "~/schemas/customers";
import { parseInput } from "~/api/validation.server";
import { deleteCustomer } from "~/models/customer-deletion.server";
import { customerSummaries, serializeSummary } from "~/models/customer-summary.server";
import { requireCustomer, serializeCustomer, updateCustomer } from "~/models/customers.server";

const route = merchantApiRoute({
  GET: ({ merchant, params, query }) => {
    const expand = parseInput(RetrieveCustomerQuerySchema, query)["expand[]"];
    const customer = requireCustomer({ merchantId: merchant.id, id: params.id! });
    if (expand !== "summary") return { status: 200, body: serializeCustomer(customer) };
    const summary = customerSummaries({ merchantId: merchant.id, customerIds: [customer.id] }).get(customer.id)!;
    return { status: 200, body: { ...serializeCustomer(customer), summary: serializeSummary(summary) } };
  },
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
