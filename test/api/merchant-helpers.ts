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

