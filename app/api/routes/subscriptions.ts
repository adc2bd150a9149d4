import { listBody } from "~/api/lists.server";
import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import {
  CancelSubscriptionSchema,
  CreateSubscriptionSchema,
  ListSubscriptionsQuerySchema,
  ResumeSubscriptionSchema,
  UpdateSubscriptionSchema,
} from "~/schemas/billing";
import {
  createSubscription,
  listSubscriptions,
  requireSubscription,
  resumeSubscription,
  scheduleCancellation,
  serializeSubscriptionWithProduct as serialize,
  updateSubscription,
} from "~/models/subscriptions.server";

/** `/subscriptions` */
export const subscriptionList: Handlers<MerchantContext> = {
  GET: ({ merchant, query }) => {
    const { limit, starting_after, customer_id, status } = parseInput(ListSubscriptionsQuerySchema, query);
    const page = listSubscriptions({ merchantId: merchant.id, customerId: customer_id, status, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serialize) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreateSubscriptionSchema, body);
    const created = createSubscription({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serialize(created) };
  },
};

/** `/subscriptions/:id` */
export const subscription: Handlers<MerchantContext> = {
  GET: ({ merchant, params }) => ({ status: 200, body: serialize(requireSubscription({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, actor, params, body }) => {
    const patch = parseInput(UpdateSubscriptionSchema, body);
    const updated = updateSubscription({ merchantId: merchant.id, id: params.id!, patch, actor });
    return { status: 200, body: serialize(updated) };
  },
};

/** `/subscriptions/:id/cancel` */
export const subscriptionCancel: Handlers<MerchantContext> = {
  POST: ({ merchant, actor, params, body }) => {
    const input = parseInput(CancelSubscriptionSchema, body);
    const result = scheduleCancellation({
      merchantId: merchant.id,
      id: params.id!,
      atPeriodEnd: input.at_period_end ?? true,
      reason: input.reason,
      feedback: input.feedback,
      actor,
    });
    return { status: 200, body: serialize(result) };
  },
};

/** `/subscriptions/:id/resume` */
export const subscriptionResume: Handlers<MerchantContext> = {
  POST: ({ merchant, actor, params, body }) => {
    parseInput(ResumeSubscriptionSchema, body);
    const result = resumeSubscription({ merchantId: merchant.id, id: params.id!, actor });
    return { status: 200, body: serialize(result) };
  },
};
