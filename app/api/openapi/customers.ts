import { CreateCustomerSchema, ListCustomersQuerySchema, UpdateCustomerSchema } from "~/api/schemas/customers";
import { operationsOf, s, type Operation } from "./registry";

const address = s.nullable(
  s.obj({ line1: s.str, line2: s.nullable(s.str), city: s.str, state: s.nullable(s.str), postal_code: s.nullable(s.str), country: s.str }),
);

export const customerSchemas = {
  Customer: s.obj(
    {
      id: s.str,
      email: s.str,
      name: s.nullable(s.str),
      phone_number: s.nullable(s.str),
      external_id: s.nullable(s.str),
      billing_address: address,
      tax_id: s.nullable(s.str),
      metadata: { type: "object", additionalProperties: { type: "string" } },
      created_at: s.ts,
      updated_at: s.ts,
    },
    "customer",
  ),
  CustomerList: s.list("Customer"),
  DeletedCustomer: s.obj({ id: s.str, deleted: { const: true } }, "customer"),
};

const op = operationsOf("Customers");

export const customerOperations: Operation[] = [
  op("post", "/customers", "Create a customer", { body: CreateCustomerSchema, 201: ["Customer", "The new customer"], 409: "Email or external_id already used (customer_exists)" }),
  op("get", "/customers", "List customers, newest first", { query: ListCustomersQuerySchema, 200: ["CustomerList", "A page of customers"] }),
  op("get", "/customers/{id}", "Retrieve a customer", { 200: ["Customer", "The customer"], 404: "No such customer" }),
  op("patch", "/customers/{id}", "Update a customer (metadata merges)", { body: UpdateCustomerSchema, 200: ["Customer", "The updated customer"], 404: "No such customer", 409: "Email or external_id already used (customer_exists)" }),
  op("delete", "/customers/{id}", "Delete a customer: ends sessions, cancels subscriptions, voids wallets", { 200: ["DeletedCustomer", "Deleted"], 404: "No such customer" }),
];
