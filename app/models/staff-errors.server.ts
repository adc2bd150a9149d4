/**
 * Expected failures of the staff and team rules, each with a code the dashboard turns into a
 * translated message beside the field (`field`) or at the top of the form.
 */
export type StaffErrorCode =
  | "invalid_email"
  | "password_too_short"
  | "password_too_long"
  | "password_common"
  | "wrong_password"
  | "already_member"
  | "last_owner"
  | "not_found"
  | "link_invalid"
  | "invalid_code"
  | "two_factor_not_pending";

export class StaffError extends Error {
  constructor(
    readonly code: StaffErrorCode,
    readonly field?: string,
  ) {
    super(code);
  }
}
