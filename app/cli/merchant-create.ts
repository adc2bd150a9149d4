// npm run merchant:create -- --name "Acme Inc" [--slug acme] [--live] [--json]
import { fail, parseCli } from "./cli";

const usage = 'npm run merchant:create -- --name "Acme Inc" [--slug acme] [--live] [--json]';
const { values } = parseCli(usage, {
  name: { type: "string" },
  slug: { type: "string" },
  live: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
});
if (!values.name) fail(`--name is required\nUsage: ${usage}`, 2);

const { createMerchant, MerchantInputError } = await import("~/models/merchants.server");
try {
  const { merchant, apiKey, secret } = createMerchant({ name: values.name, slug: values.slug, mode: values.live ? "live" : "test" });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ merchant: { id: merchant.id, name: merchant.name, slug: merchant.slug }, api_key: secret })}\n`);
  } else {
    process.stdout.write(
      `Created merchant ${merchant.name} (${merchant.id}), slug '${merchant.slug}'.\n` +
        `Secret key ${apiKey.id} (shown once, store it now):\n  ${secret}\n`,
    );
  }
} catch (error) {
  if (error instanceof MerchantInputError) fail(error.message, 2);
  throw error;
}
