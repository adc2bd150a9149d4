// npm run key:revoke -- <key id>
import { fail, parseCli } from "./cli";

const usage = "npm run key:revoke -- <key id>";
const { positionals } = parseCli(usage, {}, true);
if (positionals.length !== 1) fail(`one key id is required\nUsage: ${usage}`, 2);

const { revokeApiKey } = await import("~/models/api-keys.server");
const revoked = revokeApiKey({ id: positionals[0] });
if (!revoked) fail(`No active key with id '${positionals[0]}'`);
process.stdout.write(`Revoked ${revoked.id}: requests with it now get 401.\n`);
