import fs from "node:fs";
import { getCustomer } from "~/models/customers.server";
import { countMerchants, getMerchantById, signInPageUrl } from "~/models/merchants.server";
import { LINK_LIFETIME_S, prepareLink, storeLink } from "~/models/portal-sessions.server";
import { createDemoOwner } from "~/models/staff-users.server";
import { writeTransaction } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { seedDemo } from "./seed.server";

type DemoCredentials = {
  merchant_id: string;
  slug: string;
  api_key: string;
  customer_id: string;
  // The demo owner's dashboard sign-in (a random password, made with the demo).
  dashboard_email?: string;
  dashboard_password?: string;
};

// The demo key is shown at every start outside production, so it is kept beside the database
// (the key table only holds hashes). Production never seeds and never writes this file.
const credentialsFile = () => `${env.DATABASE_PATH}.demo.json`;

/** Outside production only: a ready redirect link for the demo customer, printed at start. */
async function mintDemoLink({ merchantId, customerId }: { merchantId: string; customerId: string }) {
  const merchant = getMerchantById(merchantId);
  const customer = getCustomer({ merchantId, id: customerId });
  if (!merchant || !customer) return null;
  const prepared = await prepareLink({
    merchant,
    customer,
    kind: "redirect",
    purpose: "invite",
    lifetimeS: LINK_LIFETIME_S.redirect,
    returnUrl: merchant.portalSettings.branding.default_return_url ?? null,
    locale: null,
    flow: null,
  });
  writeTransaction(() => storeLink(prepared));
  return prepared.url;
}

function printDemo(demo: DemoCredentials) {
  const lines = [
    "",
    "  Portico demo is ready",
    `  Open:       ${env.PUBLIC_URL}/`,
    `  Merchant:   ${demo.slug} (${demo.merchant_id})`,
    `  API key:    ${demo.api_key}`,
    `  Dashboard:  ${env.PUBLIC_URL}/dashboard`,
    `  Sign in:    ${demo.dashboard_email} / ${demo.dashboard_password}`,
    "  Try it:",
    `    curl -s ${env.PUBLIC_URL}/api/v1/customers?limit=3 -H "Authorization: Bearer ${demo.api_key}"`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  // A fresh single-use link each start (signing is async, so it prints just after the block).
  mintDemoLink({ merchantId: demo.merchant_id, customerId: demo.customer_id })
    .then((url) => {
      if (url) process.stdout.write(`  Portal link for the demo customer (works once, for 1 hour):\n    ${url}\n  Sign-in page: ${signInPageUrl(demo)}\n${env.DEV_MAILBOX ? `  Mailbox: ${env.PUBLIC_URL}/dev/mailbox\n` : ""}\n`);
    })
    .catch((error: unknown) => logger.warn({ err: error }, "could not mint the demo portal link"));
}

/** Runs once before the server listens: seeds a new database and prints the demo. */
export function bootstrap() {
  if (env.RATE_LIMIT_SCALE === 0) logger.warn({ msg: "RATE_LIMIT_SCALE=0: every rate limit is off" });
  if (env.SEED_DEMO && !env.production && countMerchants() === 0) {
    const { merchant, secret, customers } = seedDemo();
    const owner = createDemoOwner(merchant.id);
    const demo: DemoCredentials = {
      merchant_id: merchant.id,
      slug: merchant.slug,
      api_key: secret,
      customer_id: customers[0].id,
      dashboard_email: owner.email,
      dashboard_password: owner.password,
    };
    if (env.DATABASE_PATH !== ":memory:") fs.writeFileSync(credentialsFile(), JSON.stringify(demo, null, 2), { mode: 0o600 });
    logger.info({ msg: "seeded demo data", merchant_id: merchant.id, customers: customers.length });
    printDemo(demo);
  } else if (!env.production && fs.existsSync(credentialsFile())) {
    const demo = JSON.parse(fs.readFileSync(credentialsFile(), "utf8")) as DemoCredentials;
    // A demo seeded before the dashboard existed gets its owner now.
    if (!demo.dashboard_password) {
      const owner = createDemoOwner(demo.merchant_id);
      Object.assign(demo, { dashboard_email: owner.email, dashboard_password: owner.password });
      fs.writeFileSync(credentialsFile(), JSON.stringify(demo, null, 2), { mode: 0o600 });
    }
    printDemo(demo);
  }
}
