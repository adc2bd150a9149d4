import type { StaffRole } from "#db/schema/staff-memberships";

/**
 * DASHBOARD.md's roles table as permission strings. Every dashboard loader and action names the
 * one it needs (app/dashboard/guards.server.ts); this module is pure, so pages also use it to
 * hide what a role cannot do (hiding is never the check).
 */
export const permissions = [
  // read customers, payments, subscriptions, license keys, wallets, activity
  "customers:read",
  // create/edit customers and metadata, send portal invites, view portal as customer
  "customers:write",
  // cancel/resume subscriptions, attach a product, license key changes, deactivate instances
  "subscriptions:write",
  // refunds, wallet credits/debits, CSV export
  "payments:refund",
  "wallets:write",
  "customers:export",
  // delete customers, API keys, webhook endpoints, portal settings, team (non-owner roles)
  "customers:delete",
  "api_keys:write",
  "webhooks:write",
  "portal_settings:write",
  "team:write",
  // read the audit log, view settings pages
  "audit:read",
  "settings:read",
  // owners, requiring two-factor
  "team:owners",
  "team:require_two_factor",
] as const;
export type Permission = (typeof permissions)[number];

const READ: Permission[] = ["customers:read"];
const SUPPORT: Permission[] = ["customers:write", "subscriptions:write"];
const FINANCE: Permission[] = ["payments:refund", "wallets:write", "customers:export"];
const ADMIN: Permission[] = ["customers:delete", "api_keys:write", "webhooks:write", "portal_settings:write", "team:write", "audit:read", "settings:read"];
const OWNER: Permission[] = ["team:owners", "team:require_two_factor"];

export const rolePermissions: Record<StaffRole, ReadonlySet<Permission>> = {
  viewer: new Set(READ),
  support: new Set([...READ, ...SUPPORT]),
  finance: new Set([...READ, ...FINANCE]),
  admin: new Set([...READ, ...SUPPORT, ...FINANCE, ...ADMIN]),
  owner: new Set([...READ, ...SUPPORT, ...FINANCE, ...ADMIN, ...OWNER]),
};

export function can(role: StaffRole, permission: Permission): boolean {
  return rolePermissions[role].has(permission);
}

/** Roles a member may hand out: admins manage non-owner roles, owners every role. */
export function assignableRoles(role: StaffRole): StaffRole[] {
  if (can(role, "team:owners")) return ["owner", "admin", "support", "finance", "viewer"];
  if (can(role, "team:write")) return ["admin", "support", "finance", "viewer"];
  return [];
}
