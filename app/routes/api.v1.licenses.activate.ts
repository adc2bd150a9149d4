import { publicApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { ActivateLicenseSchema } from "~/api/schemas/billing";
import { limitLicenseRequestByIp, limitLicenseRequestByKey } from "~/api/license-limits.server";
import { activateLicense, serializeInstance } from "~/models/license-keys.server";

const route = publicApiRoute({
  POST: ({ clientIp, body }) => {
    limitLicenseRequestByIp(clientIp);
    const input = parseInput(ActivateLicenseSchema, body);
    limitLicenseRequestByKey(input.license_key);
    return { status: 201, body: serializeInstance(activateLicense({ key: input.license_key, name: input.name })) };
  },
});

export const loader = route;
export const action = route;
