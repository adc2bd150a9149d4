import { describe, expect, it } from "vitest";
import { assignableRoles, can, permissions, rolePermissions, type Permission } from "./permissions";

// DASHBOARD.md's roles table, row by row: V S F A O.
const TABLE: [Permission, string][] = [
  ["customers:read", "VSFAO"],
  ["customers:write", ".S.AO"],
  ["subscriptions:write", ".S.AO"],
  ["payments:refund", "..FAO"],
  ["wallets:write", "..FAO"],
  ["customers:export", "..FAO"],
  ["customers:delete", "...AO"],
  ["api_keys:write", "...AO"],
  ["webhooks:write", "...AO"],
  ["portal_settings:write", "...AO"],
  ["team:write", "...AO"],
  ["audit:read", "...AO"],
  ["settings:read", "...AO"],
  ["team:owners", "....O"],
  ["team:require_two_factor", "....O"],
];
const ROLES = ["viewer", "support", "finance", "admin", "owner"] as const;

describe("the roles table", () => {
  it("lists every permission once", () => {
    expect(TABLE.map(([p]) => p).sort()).toEqual([...permissions].sort());
  });

  it.each(TABLE)("%s: %s", (permission, cells) => {
    ROLES.forEach((role, i) => expect(can(role, permission), `${role} ${permission}`).toBe(cells[i] !== "."));
  });

  it("owners hold every permission; every role can read", () => {
    expect([...rolePermissions.owner].sort()).toEqual([...permissions].sort());
    for (const role of ROLES) expect(can(role, "customers:read")).toBe(true);
  });

  it("admins hand out non-owner roles; owners every role; others none", () => {
    expect(assignableRoles("owner")).toEqual(["owner", "admin", "support", "finance", "viewer"]);
    expect(assignableRoles("admin")).toEqual(["admin", "support", "finance", "viewer"]);
    for (const role of ["support", "finance", "viewer"] as const) expect(assignableRoles(role)).toEqual([]);
  });
});
