import { parseCustomerListQuery } from "~/api/customer-list-query.server";
import { listBody, listBodyJson } from "~/api/lists.server";
import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { BillingOverviewQuerySchema, CreateCustomerSchema, RetrieveCustomerQuerySchema, UpdateCustomerSchema } from "~/schemas/customers";
import { getBillingOverview, serializeBillingOverview } from "~/models/billing-overview.server";
import { deleteCustomer } from "~/models/customer-deletion.server";
import { listCustomers, listCustomersJson } from "~/models/customer-list.server";
import { customerSummaries, serializeSummary } from "~/models/customer-summary.server";
import { createCustomer, requireCustomer, requireCustomerJson, serializeCustomer, updateCustomer } from "~/models/customers.server";

/** `/customers` */
export const customerList: Handlers<MerchantContext> = {
  GET: ({ merchant, query: raw }) => {
    const { query, expandSummary } = parseCustomerListQuery(raw);
    // The hot path: each customer's JSON straight from SQLite (a body given as text is sent as is).
    if (!expandSummary) return { status: 200, body: listBodyJson(listCustomersJson({ merchantId: merchant.id, query })) };
    const page = listCustomers({ merchantId: merchant.id, query });
    const summaries = customerSummaries({ merchantId: merchant.id, customerIds: page.rows.map((c) => c.id) });
    return { status: 200, body: listBody(page, (c) => ({ ...serializeCustomer(c), summary: serializeSummary(summaries.get(c.id)!) })) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreateCustomerSchema, body);
    const customer = createCustomer({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serializeCustomer(customer) };
  },
};

/** `/customers/:id` */
export const customer: Handlers<MerchantContext> = {
  GET: ({ merchant, params, query }) => {
    const expand = parseInput(RetrieveCustomerQuerySchema, query)["expand[]"];
    if (expand !== "summary") return { status: 200, body: requireCustomerJson({ merchantId: merchant.id, id: params.id! }) };
    const customer = requireCustomer({ merchantId: merchant.id, id: params.id! });
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
};

/** `/customers/:id/billing-overview` */
export const billingOverview: Handlers<MerchantContext> = {
  GET: ({ merchant, params, query }) => {
    parseInput(BillingOverviewQuerySchema, query);
    return { status: 200, body: serializeBillingOverview(getBillingOverview({ merchantId: merchant.id, customerId: params.id! })) };
  },
};
