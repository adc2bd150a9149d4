import { publicApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { DeactivateLicenseSchema } from "~/api/schemas/billing";
import { limitLicenseRequestByIp, limitLicenseRequestByKey } from "~/api/license-limits.server";
import { deactivateInstance } from "~/models/license-keys.server";

const route = publicApiRoute({
  POST: ({ clientIp, body }) => {
    limitLicenseRequestByIp(clientIp);
    const input = parseInput(DeactivateLicenseSchema, body);
    limitLicenseRequestByKey(input.license_key);
    return { status: 200, body: deactivateInstance({ key: input.license_key, instanceId: input.license_key_instance_id }) };
  },
});

export const loader = route;
export const action = route;
