import { DomainError, type DomainErrorKind } from "./errors.server";

/**
 * The expected failures of the staff and team rules, as the domain's one error type. The code is
 * what the dashboard turns into a translated message beside `field` (or at the top of the form).
 */
const KINDS = {
  invalid_email: "invalid",
  name_characters: "invalid",
  name_too_long: "invalid",
  password_too_short: "invalid",
  password_too_long: "invalid",
  password_common: "invalid",
  wrong_password: "invalid",
  invalid_code: "invalid",
  two_factor_not_pending: "conflict",
  already_member: "conflict",
  last_owner: "conflict",
  link_invalid: "not_found",
  not_found: "not_found",
} as const satisfies Record<string, DomainErrorKind>;

export type StaffErrorCode = keyof typeof KINDS;

const MESSAGES: Record<StaffErrorCode, string> = {
  invalid_email: "must be a valid email address",
  name_characters: "must not contain control or bidirectional formatting characters",
  name_too_long: "must be at most 200 characters",
  password_too_short: "must be at least 12 characters",
  password_too_long: "must be at most 128 characters",
  password_common: "is on the list of common passwords",
  wrong_password: "is not the current password",
  invalid_code: "is not a valid code",
  two_factor_not_pending: "No two-factor set-up is in progress.",
  already_member: "This address already belongs to a member of the team.",
  last_owner: "A merchant keeps at least one owner.",
  link_invalid: "This link has expired or was already used.",
  not_found: "No such team member or invitation.",
};

export const staffError = (code: StaffErrorCode, field?: string) => new DomainError({ kind: KINDS[code], code, message: MESSAGES[code], field });
