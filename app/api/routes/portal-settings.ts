import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { PortalSettingsPatchSchema } from "~/schemas/portal-settings";
import { serializePortalSettings, updatePortalSettings } from "~/models/merchants.server";

/** `/portal-settings` */
export const portalSettings: Handlers<MerchantContext> = {
  GET: ({ merchant }) => ({ status: 200, body: serializePortalSettings(merchant.portalSettings) }),
  PATCH: ({ merchant, actor, body }) => {
    const patch = parseInput(PortalSettingsPatchSchema, body);
    const settings = updatePortalSettings({ merchantId: merchant.id, patch, actor });
    return { status: 200, body: serializePortalSettings(settings) };
  },
};
