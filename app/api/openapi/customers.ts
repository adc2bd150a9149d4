import { CreateCustomerSchema, ListCustomersQuerySchema, UpdateCustomerSchema } from "~/api/schemas/customers";
import { s, type Operation } from "./registry";

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

export const customerOperations: Operation[] = [
  {
    method: "post",
    path: "/customers",
    summary: "Create a customer",
    tag: "Customers",
    body: CreateCustomerSchema,
    responses: {
      201: { description: "The new customer", schema: "Customer" },
      409: { description: "Email or external_id already used (customer_exists)", schema: "Error" },
      422: { description: "Invalid or missing value", schema: "Error" },
    },
  },
  {
    method: "get",
    path: "/customers",
    summary: "List customers, newest first",
    tag: "Customers",
    query: ListCustomersQuerySchema,
    responses: { 200: { description: "A page of customers", schema: "CustomerList" } },
  },
  {
    method: "get",
    path: "/customers/{id}",
    summary: "Retrieve a customer",
    tag: "Customers",
    responses: { 200: { description: "The customer", schema: "Customer" }, 404: { description: "No such customer", schema: "Error" } },
  },
  {
    method: "patch",
    path: "/customers/{id}",
    summary: "Update a customer (metadata merges)",
    tag: "Customers",
    body: UpdateCustomerSchema,
    responses: {
      200: { description: "The updated customer", schema: "Customer" },
      404: { description: "No such customer", schema: "Error" },
      409: { description: "Email or external_id already used", schema: "Error" },
      422: { description: "Invalid value", schema: "Error" },
    },
  },
  {
    method: "delete",
    path: "/customers/{id}",
    summary: "Delete a customer: ends sessions, cancels subscriptions, voids wallets",
    tag: "Customers",
    responses: { 200: { description: "Deleted", schema: "DeletedCustomer" }, 404: { description: "No such customer", schema: "Error" } },
  },
];
