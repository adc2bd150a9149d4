import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { PortalSettingsPatchSchema } from "~/api/schemas/portal-settings";
import { serializePortalSettings, updatePortalSettings } from "~/models/merchants.server";

const route = merchantApiRoute({
  GET: ({ merchant }) => ({ status: 200, body: serializePortalSettings(merchant.portalSettings) }),
  PATCH: ({ merchant, apiKey, body }) => {
    const patch = parseInput(PortalSettingsPatchSchema, body);
    const settings = updatePortalSettings({ merchantId: merchant.id, patch, actor: { type: "api_key", id: apiKey.id } });
    return { status: 200, body: serializePortalSettings(settings) };
  },
});

export const loader = route;
export const action = route;
