import type { z } from "zod";
import { ApiError, badRequest, invalidParam } from "./errors.server";

/** `items[0].quantity` style names, as merchants see them in their own request. */
export function paramName(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Maps zod's first issue to the API's status rules (README, "Conventions"): an unknown field is 400, a missing
 * required one 422 `parameter_missing`, any other bad value 422 `parameter_invalid`, each with
 * the offending `param`.
 */
export function toApiError(error: z.ZodError, data: unknown): ApiError {
  const unknown = error.issues.find((i) => i.code === "unrecognized_keys");
  if (unknown && unknown.code === "unrecognized_keys") {
    const param = paramName([...unknown.path, unknown.keys[0]]);
    return badRequest("parameter_unknown", `Received unknown parameter: ${param}`, param);
  }
  const issue = error.issues[0];
  const param = paramName(issue.path);
  if (issue.code === "invalid_type" && valueAt(data, issue.path) === undefined) {
    return invalidParam(param, `Missing required param: ${param}.`, "parameter_missing");
  }
  return invalidParam(param, param ? `Invalid ${param}: ${issue.message}` : issue.message);
}

export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw toApiError(result.error, data);
  return result.data;
}

// No request body of the API nests deeper than a handful of levels; JSON nested past this is
// refused before it is parsed, so nothing downstream (the idempotency fingerprint stringifies the
// body, zod walks it) ever recurses through a hostile depth.
export const MAX_JSON_DEPTH = 32;

/** How deep arrays and objects nest in a JSON text: one pass, no recursion, strings skipped. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93 /* } ] */) depth--;
  }
  return max;
}

/** A JSON object body from its text. Malformed JSON, JSON nested too deep, or anything but an object, is a 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw badRequest("json_too_deep", `The request body nests JSON deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw badRequest("invalid_json", "The request body is not valid JSON.");
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw badRequest("invalid_json", "The request body must be a JSON object.");
  }
  return data as Record<string, unknown>;
}

/** Query strings as a plain object; a repeated parameter is a 400 rather than a silent pick. */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in out) throw badRequest("parameter_duplicated", `Parameter ${key} was given twice.`, key);
    out[key] = value;
  }
  return out;
}
