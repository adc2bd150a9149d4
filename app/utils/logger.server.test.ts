import { describe, expect, it } from "vitest";
import { redactPath } from "./logger.server";

describe("redactPath", () => {
  it.each([
    ["/portal/session/eyJ.abc.def", "/portal/session/[redacted]"],
    ["/portal/session/eyJ.abc.def?x=1", "/portal/session/[redacted]"],
    ["/portal/profile/confirm-email/tok_secret", "/portal/profile/confirm-email/[redacted]"],
    ["/api/v1/customers?email=a@b.c", "/api/v1/customers"],
    ["/portal/billing?starting_after=pay_1", "/portal/billing"],
    ["/p/acme", "/p/acme"],
    ["/dashboard/setup/tok_secret", "/dashboard/setup/[redacted]"],
    ["/dashboard/invite/tok_secret?x=1", "/dashboard/invite/[redacted]"],
    ["/dashboard/settings/team", "/dashboard/settings/team"],
  ])("%s → %s", (input, expected) => {
    expect(redactPath(input)).toBe(expected);
  });
});
