/**
 * The one error the domain throws for an expected failure. It names what went wrong in domain
 * terms — a kind, a stable code and, when one input is to blame, its field — and nothing about
 * HTTP: each surface maps it once (`app/api/errors.server.ts` to the JSON error object,
 * `app/portal/errors.server.ts` to the portal's pages). Thrown inside a write transaction it
 * rolls the transaction back like any other error.
 */
export const domainErrorKinds = ["not_found", "conflict", "invalid", "limit_reached", "forbidden"] as const;
export type DomainErrorKind = (typeof domainErrorKinds)[number];

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  /** Stable and machine-readable: `customer_exists`, `insufficient_balance`, `parameter_invalid`… */
  readonly code: string;
  /** The input at fault, as the caller named it (`email`, `items[0].quantity`, `starting_after`). */
  readonly field?: string;

  constructor(opts: { kind: DomainErrorKind; code: string; message: string; field?: string }) {
    super(opts.message);
    this.name = "DomainError";
    this.kind = opts.kind;
    this.code = opts.code;
    this.field = opts.field;
  }
}

/** Missing, or another merchant's or customer's: the two are never told apart. */
export const notFound = (what: string, id?: string, field?: string) =>
  new DomainError({
    kind: "not_found",
    code: "resource_missing",
    message: id ? `No such ${what}: '${id}'` : `No such ${what}.`,
    field,
  });

/** The change collides with the current state (a taken email, a payment no longer pending). */
export const conflict = (code: string, message: string, field?: string) => new DomainError({ kind: "conflict", code, message, field });

/** One input value breaks a rule (`parameter_invalid` unless a more precise code is given). */
export const invalidField = (field: string, message: string, code = "parameter_invalid") =>
  new DomainError({ kind: "invalid", code, message, field });

/** The request is well-formed but the objects it names do not allow it (`insufficient_balance`). */
export const invalid = (code: string, message: string, field?: string) => new DomainError({ kind: "invalid", code, message, field });

/** A count the domain bounds is used up (activations of a key, endpoints of a merchant). */
export const limitReached = (code: string, message: string, field?: string) =>
  new DomainError({ kind: "limit_reached", code, message, field });

/** The actor may see the object but not do this to it. */
export const forbidden = (code: string, message: string) => new DomainError({ kind: "forbidden", code, message });
