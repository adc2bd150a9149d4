import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { CreatePaymentSchema, ListPaymentsQuerySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { createPayment, listPayments, serializePayment } from "~/models/payments.server";

const route = merchantApiRoute({
  GET: ({ merchant, query }) => {
    const { limit, starting_after, customer_id, status } = parseInput(ListPaymentsQuerySchema, query);
    const page = listPayments({ merchantId: merchant.id, customerId: customer_id, status, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializePayment) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreatePaymentSchema, body);
    const created = createPayment({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serializePayment(created) };
  },
});

export const loader = route;
export const action = route;
