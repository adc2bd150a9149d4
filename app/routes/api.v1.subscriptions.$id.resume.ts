import { merchantApiRoute } from "~/api/route.server";
import { ResumeSubscriptionSchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { resumeSubscription, serializeSubscriptionWithProduct as serialize } from "~/models/subscriptions.server";

const route = merchantApiRoute({
  POST: ({ merchant, actor, params, body }) => {
    parseInput(ResumeSubscriptionSchema, body);
    const result = resumeSubscription({ merchantId: merchant.id, id: params.id!, actor });
    return { status: 200, body: serialize(result) };
  },
});

export const loader = route;
export const action = route;
