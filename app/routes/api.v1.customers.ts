import { parseCustomerListQuery } from "~/api/customer-list-query.server";
import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { CreateCustomerSchema } from "~/schemas/customers";
import { parseInput } from "~/api/validation.server";
import { listCustomers } from "~/models/customer-list.server";
import { customerSummaries, serializeSummary } from "~/models/customer-summary.server";
import { createCustomer, serializeCustomer } from "~/models/customers.server";

const route = merchantApiRoute({
  GET: ({ merchant, query: raw }) => {
    const { query, expandSummary } = parseCustomerListQuery(raw);
    const page = listCustomers({ merchantId: merchant.id, query });
    if (!expandSummary) return { status: 200, body: listBody(page, serializeCustomer) };
    const summaries = customerSummaries({ merchantId: merchant.id, customerIds: page.rows.map((c) => c.id) });
    return { status: 200, body: listBody(page, (c) => ({ ...serializeCustomer(c), summary: serializeSummary(summaries.get(c.id)!) })) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreateCustomerSchema, body);
    const customer = createCustomer({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serializeCustomer(customer) };
  },
});

export const loader = route;
export const action = route;
