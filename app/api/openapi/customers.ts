import { customerTypes, documentLocales } from "#db/schema/index";
import {
  BillingOverviewQuerySchema,
  CreateCustomerSchema,
  ListCustomersQuerySchema,
  RetrieveCustomerQuerySchema,
  UpdateCustomerSchema,
} from "~/schemas/customers";
import { operationsOf, s, type Operation } from "./registry";

const address = s.nullable(
  s.obj({ line1: s.str, line2: s.nullable(s.str), city: s.str, state: s.nullable(s.str), postal_code: s.nullable(s.str), country: s.str }),
);
const currencyAmounts = { type: "object", additionalProperties: { type: "integer" } };

const customer = s.obj(
  {
    id: s.str,
    email: s.nullable(s.str),
    name: s.nullable(s.str),
    phone_number: s.nullable(s.str),
    external_id: s.nullable(s.str),
    billing_address: address,
    tax_id: s.nullable(s.str),
    customer_type: s.nullable(s.oneOf(customerTypes)),
    legal_name: s.nullable(s.str),
    legal_number: s.nullable(s.str),
    timezone: s.nullable(s.str),
    currency: s.nullable(s.str),
    document_locale: s.nullable(s.oneOf(documentLocales)),
    shipping_address: address,
    date_of_birth: s.nullable({ type: "string", format: "date" }),
    metadata: { type: "object", additionalProperties: { type: "string" } },
    created_at: s.ts,
    updated_at: s.ts,
  },
  "customer",
);

export const customerSchemas = {
  Customer: {
    ...customer,
    // Present only with expand[]=summary.
    properties: { ...customer.properties, summary: s.ref("CustomerSummary") },
  },
  CustomerSummary: s.obj({
    active_subscriptions: s.int,
    plans: { type: "array", items: s.str },
    wallet_balances: currencyAmounts,
    lifetime_revenue: currencyAmounts,
  }),
  CustomerList: s.list("Customer"),
  DeletedCustomer: s.obj({ id: s.str, deleted: { const: true } }, "customer"),
  BillingOverview: s.obj(
    {
      customer_id: s.str,
      currencies: {
        type: "array",
        items: s.obj({
          currency: s.str,
          gross_revenue: s.int,
          refunded: s.int,
          net_revenue: s.int,
          overdue: s.int,
          failed_payments: s.int,
          last_payment_at: s.nullable(s.ts),
        }),
      },
      active_subscriptions: s.int,
      past_due_subscriptions: s.int,
    },
    "billing_overview",
  ),
};

const op = operationsOf("Customers");

export const customerOperations: Operation[] = [
  op("post", "/customers", "Create a customer (an email, an external_id, or both)", {
    body: CreateCustomerSchema,
    201: ["Customer", "The new customer"],
    409: "Email or external_id already used (customer_exists)",
    422: "Invalid or missing value (neither email nor external_id: param email)",
  }),
  op("get", "/customers", "List customers: filters, field[op]=value operators, metadata, sort", {
    query: ListCustomersQuerySchema,
    parameters: [
      {
        name: "metadata",
        in: "query",
        style: "deepObject",
        explode: true,
        description: "metadata[<key>]=<value>: customers whose metadata has that entry (any key but `contains`).",
        schema: { type: "object", additionalProperties: { type: "string", maxLength: 500 } },
      },
    ],
    200: ["CustomerList", "A page of customers in the sort's order"],
    422: "Invalid value, or a starting_after that is not one of your customers",
  }),
  op("get", "/customers/{id}", "Retrieve a customer", { query: RetrieveCustomerQuerySchema, 200: ["Customer", "The customer"], 404: "No such customer" }),
  op("patch", "/customers/{id}", "Update a customer (metadata merges)", {
    body: UpdateCustomerSchema,
    200: ["Customer", "The updated customer"],
    404: "No such customer",
    409: "Email or external_id already used (customer_exists), or a locked currency changed (currency_locked)",
  }),
  op("delete", "/customers/{id}", "Delete a customer: ends sessions, cancels subscriptions, voids wallets", { 200: ["DeletedCustomer", "Deleted"], 404: "No such customer" }),
  op("get", "/customers/{id}/billing-overview", "Revenue, refunds and overdue amounts per currency; subscription counts", {
    query: BillingOverviewQuerySchema,
    200: ["BillingOverview", "The billing overview"],
    404: "No such customer",
  }),
];
