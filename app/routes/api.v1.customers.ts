import { z } from "zod";
import { merchantApiRoute } from "~/api/route.server";
import { listBody, listParams } from "~/api/pagination.server";
import { parseInput } from "~/api/validation.server";
import { CreateCustomerSchema } from "~/api/schemas/customers";
import { createCustomer, listCustomers, serializeCustomer } from "~/models/customers.server";
import { DateBoundSchema, EmailSchema } from "~/utils/fields";

const ListQuerySchema = z.strictObject({
  ...listParams,
  email: EmailSchema.optional(),
  external_id: z.string().min(1).max(200).optional(),
  q: z.string().min(1).max(200).optional(),
  created_gte: DateBoundSchema("lower").optional(),
  created_lte: DateBoundSchema("upper").optional(),
});

const route = merchantApiRoute({
  GET: ({ merchant, query }) => {
    const { limit, starting_after, ...filters } = parseInput(ListQuerySchema, query);
    const page = listCustomers({ merchantId: merchant.id, filters, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializeCustomer) };
  },
  POST: ({ merchant, apiKey, body }) => {
    const input = parseInput(CreateCustomerSchema, body);
    const customer = createCustomer({ merchantId: merchant.id, input, actor: { type: "api_key", id: apiKey.id } });
    return { status: 201, body: serializeCustomer(customer) };
  },
});

export const loader = route;
export const action = route;
