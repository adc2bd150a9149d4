import { merchantApiRoute } from "~/api/route.server";
import { PortalSettingsPatchSchema } from "~/schemas/portal-settings";
import { parseInput } from "~/api/validation.server";
import { serializePortalSettings, updatePortalSettings } from "~/models/merchants.server";

const route = merchantApiRoute({
  GET: ({ merchant }) => ({ status: 200, body: serializePortalSettings(merchant.portalSettings) }),
  PATCH: ({ merchant, actor, body }) => {
    const patch = parseInput(PortalSettingsPatchSchema, body);
    const settings = updatePortalSettings({ merchantId: merchant.id, patch, actor });
    return { status: 200, body: serializePortalSettings(settings) };
  },
});

export const loader = route;
export const action = route;
