import { publicApiRoute } from "~/api/route.server";
import { ValidateLicenseSchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { validateLicense } from "~/models/license-keys.server";
import { rateLimiter } from "~/utils/rate-limit.server";

const route = publicApiRoute({
  POST: ({ clientIp, body }) => {
    rateLimiter.enforce("licenses.ip", clientIp);
    const input = parseInput(ValidateLicenseSchema, body);
    rateLimiter.enforce("licenses.key", input.license_key);
    return { status: 200, body: validateLicense({ key: input.license_key, instanceId: input.license_key_instance_id }) };
  },
});

export const loader = route;
export const action = route;
