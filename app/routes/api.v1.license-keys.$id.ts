import { merchantApiRoute } from "~/api/route.server";
import { UpdateLicenseKeySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { requireLicenseKey, serializeLicenseKey, updateLicenseKey } from "~/models/license-keys.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({ status: 200, body: serializeLicenseKey(requireLicenseKey({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, actor, params, body }) => {
    const patch = parseInput(UpdateLicenseKeySchema, body);
    const updated = updateLicenseKey({ merchantId: merchant.id, id: params.id!, patch, actor });
    return { status: 200, body: serializeLicenseKey(updated) };
  },
});

export const loader = route;
export const action = route;
