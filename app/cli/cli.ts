import { parseArgs, type ParseArgsConfig } from "node:util";

/** Shared by the operator commands: parse flags, print a clear error and exit 2 on misuse. */
export function parseCli<T extends ParseArgsConfig["options"]>(usage: string, options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: process.argv.slice(2), options, allowPositionals, strict: true });
  } catch (error) {
    fail(`${(error as Error).message}\nUsage: ${usage}`, 2);
  }
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}
