import { apiClient } from "../setup/api";
import { createMerchant, startServer } from "../setup/server";

/**
 * A merchant-API test file's world: a server of its own (its own SQLite file), the merchant under
 * test and another merchant, whose objects must be the first one's 404s, each with an API client.
 * `env` goes to the server (rate-limit scale, SMTP capture…).
 */
export async function startWithTwoMerchants(opts: { env?: Record<string, string>; names?: [string, string] } = {}) {
  const server = await startServer({ env: opts.env });
  const [name, otherName] = opts.names ?? ["Acme", "Globex"];
  const merchant = createMerchant(server.dbFile, name);
  const otherMerchant = createMerchant(server.dbFile, otherName);
  return { server, merchant, api: apiClient(server.url, merchant.apiKey), otherMerchant, otherApi: apiClient(server.url, otherMerchant.apiKey) };
}

/**
 * API.md's portal settings as a new merchant has them: the contract the portal-settings test
 * holds the API to, and what the portal page tests reset a merchant's features to.
 */
export function portalSettingsDefaults(displayName: string | null) {
  return {
    branding: {
      display_name: displayName,
      logo_url: null,
      brand_color: null,
      support_email: null,
      default_locale: "en",
      default_return_url: null,
      allowed_return_hosts: [],
    },
    features: {
      billing_history: { enabled: true },
      subscription_cancel: { enabled: true, mode: "at_period_end", ask_reason: true },
      customer_update: { enabled: true, allowed_fields: ["name", "email", "phone_number"] },
      license_keys: { enabled: true, allow_deactivate: true },
      wallet: { enabled: true },
      usage: { enabled: true },
    },
  };
}
