import { describe, expect, it } from "vitest";
import { conflict } from "~/models/errors.server";
import { ApiError, asApiError } from "./errors.server";

// An ApiError is an answer rendered as JSON, never logged: it skips the stack trace (the cost of
// building one). A DomainError keeps its own: one escaping a surface unmapped is a bug to trace.
describe("ApiError", () => {
  it("captures no stack frames, answers as before, and leaves the stack limit as it was", () => {
    const limit = Error.stackTraceLimit;
    const error = new ApiError({ status: 404, type: "not_found_error", code: "resource_missing", message: "No such customer: 'cus_1'", param: "id" });
    expect(Error.stackTraceLimit).toBe(limit);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe("No such customer: 'cus_1'");
    expect(error.stack).not.toContain("\n    at ");
    expect(error.toJSON()).toEqual({ error: { type: "not_found_error", code: "resource_missing", message: "No such customer: 'cus_1'", param: "id" } });
  });

  it("mapped from a domain failure, which keeps its stack", () => {
    const domain = conflict("customer_exists", "A customer with this email already exists.", "email");
    expect(domain.stack).toContain("\n    at ");
    const answer = asApiError(domain)!;
    expect(answer.stack).not.toContain("\n    at ");
    expect([answer.status, answer.type, answer.code, answer.param]).toEqual([409, "invalid_request_error", "customer_exists", "email"]);
  });
});
