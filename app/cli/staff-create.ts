// npm run staff:create -- --merchant <id|slug> --email <email> --role <role> [--name <name>] [--password <password>] [--json]
import { fail, parseCli } from "./cli";

const usage = "npm run staff:create -- --merchant <id|slug> --email <email> --role <owner|admin|support|finance|viewer> [--name <name>] [--password <password>] [--json]";
const { values } = parseCli(usage, {
  merchant: { type: "string" },
  email: { type: "string" },
  role: { type: "string" },
  name: { type: "string" },
  password: { type: "string" },
  json: { type: "boolean", default: false },
});
for (const flag of ["merchant", "email", "role"] as const) {
  if (!values[flag]) fail(`--${flag} is required\nUsage: ${usage}`, 2);
}

const { staffRoles } = await import("#db/schema/staff-memberships");
const role = values.role as (typeof staffRoles)[number];
if (!staffRoles.includes(role)) fail(`--role must be one of ${staffRoles.join(", ")}\nUsage: ${usage}`, 2);

const { getMerchant } = await import("~/models/merchants.server");
const { createStaffAccount } = await import("~/models/staff-users.server");
const { DomainError } = await import("~/models/errors.server");
const { env } = await import("~/utils/env.server");

const merchant = getMerchant(values.merchant!);
if (!merchant) fail(`No merchant with id or slug '${values.merchant}'`);

const messages: Record<string, string> = {
  invalid_email: "--email is not a valid email address",
  name_characters: "--name must not contain control or text-direction characters",
  name_too_long: "--name must be at most 200 characters",
  password_too_short: "--password must be at least 12 characters",
  password_too_long: "--password must be at most 128 characters",
  password_common: "--password is on the list of common passwords; choose another",
  already_member: `${values.email} is already a member of ${merchant.name}`,
};

try {
  const { staff, membership, setupToken } = await createStaffAccount({
    merchantId: merchant.id,
    email: values.email!,
    role,
    name: values.name,
    password: values.password,
  });
  // The setup link is printed here once; only its hash is stored.
  const setupUrl = setupToken ? `${env.PUBLIC_URL}/dashboard/setup/${setupToken}` : null;
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ staff: { id: staff.id, email: staff.email }, membership: { merchant_id: membership.merchantId, role: membership.role }, setup_url: setupUrl })}\n`,
    );
  } else {
    process.stdout.write(`${staff.email} (${staff.id}) is now ${membership.role} of ${merchant.name} (${merchant.id}).\n`);
    process.stdout.write(
      setupUrl
        ? `One-time setup link (24 hours, single use) to choose a password:\n  ${setupUrl}\n`
        : `Sign in at ${env.PUBLIC_URL}/dashboard/sign-in\n`,
    );
  }
} catch (error) {
  // A bad flag is misuse (2); an address already in the team is a refusal (1).
  if (error instanceof DomainError) fail(messages[error.code] ?? error.message, error.code === "already_member" ? 1 : 2);
  throw error;
}
