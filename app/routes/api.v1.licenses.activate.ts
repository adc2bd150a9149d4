import { publicApiRoute } from "~/api/route.server";
import { ActivateLicenseSchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { activateLicense, serializeInstance } from "~/models/license-keys.server";
import { rateLimiter } from "~/utils/rate-limit.server";

const route = publicApiRoute({
  POST: ({ clientIp, body }) => {
    rateLimiter.enforce("licenses.ip", clientIp);
    const input = parseInput(ActivateLicenseSchema, body);
    rateLimiter.enforce("licenses.key", input.license_key);
    return { status: 201, body: serializeInstance(activateLicense({ key: input.license_key, name: input.name })) };
  },
});

export const loader = route;
export const action = route;
