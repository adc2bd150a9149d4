// The staff password length rule (NIST SP 800-63B), shared by the server check and the forms' hint.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
