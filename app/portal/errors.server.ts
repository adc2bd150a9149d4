import { json } from "@remix-run/node";
import { DomainError } from "~/models/errors.server";
import { RateLimitedError } from "~/utils/rate-limit.server";
import { NO_STORE } from "./http.server";

export type PortalErrorData = { portalError: "not_found" | "forbidden" | "rate_limited" };

const portalError = (status: number, kind: PortalErrorData["portalError"], headers: Record<string, string> = {}) =>
  json<PortalErrorData>({ portalError: kind }, { status, headers: { ...NO_STORE, ...headers } });

/** A missing object, another customer's object and a switched-off page all look the same. */
export const notFoundResponse = () => portalError(404, "not_found");
/** The merchant switched this off: nothing changes. */
export const forbiddenResponse = () => portalError(403, "forbidden");
/** Too many: nothing changes; try again after Retry-After seconds. */
export const rateLimitedResponse = (error: RateLimitedError) => portalError(429, "rate_limited", { "Retry-After": String(error.retryAfterS) });

/**
 * The portal's answer to an expected failure, or null for a bug: the one mapping from the
 * domain's errors and the rate limiter's refusals to the portal's 404, 403 and 429 pages. A cursor that is not one of this
 * customer's objects is a 404 too, never another page.
 */
export function portalErrorOf(error: unknown): Response | null {
  if (error instanceof DomainError) {
    if (error.kind === "not_found") return notFoundResponse();
    if (error.kind === "forbidden") return forbiddenResponse();
    if (error.kind === "invalid" && error.field === "starting_after") return notFoundResponse();
  }
  if (error instanceof RateLimitedError) return rateLimitedResponse(error);
  return null;
}

/** Runs a model call for the signed-in customer; an expected failure becomes the portal's page. */
export function orPortalError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw portalErrorOf(error) ?? error;
  }
}
