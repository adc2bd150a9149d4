// npm run key:create -- --merchant <id|slug> [--live] [--json]
import { fail, parseCli } from "./cli";

const usage = "npm run key:create -- --merchant <id|slug> [--live] [--json]";
const { values } = parseCli(usage, {
  merchant: { type: "string" },
  live: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
});
if (!values.merchant) fail(`--merchant is required\nUsage: ${usage}`, 2);

const { getMerchant } = await import("~/models/merchants.server");
const { createApiKey } = await import("~/models/api-keys.server");
const merchant = getMerchant(values.merchant);
if (!merchant) fail(`No merchant with id or slug '${values.merchant}'`);
const { apiKey, secret } = createApiKey({ merchantId: merchant.id, mode: values.live ? "live" : "test" });
if (values.json) {
  process.stdout.write(`${JSON.stringify({ id: apiKey.id, api_key: secret })}\n`);
} else {
  process.stdout.write(`Secret key ${apiKey.id} for ${merchant.name} (shown once, store it now):\n  ${secret}\n`);
}
