import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, startServer, startSmtpCapture, type MerchantFixture, type SmtpCapture, type TestServer } from "../setup/server";
import { outboxDrained } from "./portal-helpers";
import { allTextValues, createStaff, decodeHtml, get, post, queryDb, signIn, snapshotDb, staffCookie, testIdText, type StaffFixture } from "./dashboard-helpers";

// The team page: invites through a real SMTP server on loopback, accepting them (new and existing
// staff users), roles, the last-owner rule, removal ending sessions, and the audit trail.
// Operator commands (tsx) take seconds each on a loaded machine: tests that run several get room.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;
let smtp: SmtpCapture;
let merchant: MerchantFixture;
let owner: StaffFixture;
let admin: StaffFixture;
let ownerCookie: string;
let adminCookie: string;
/** The server's clock, stopped for the whole file: see beforeAll. */
let t0: number;
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: "Portico <team@portico.example>", RATE_LIMIT_SCALE: "100" } });
  merchant = createMerchant(server.dbFile, "Team Co", "team-co");
  owner = createStaff(server, { merchant: merchant.slug, email: "owner@team.example", role: "owner", name: "Olga Owner" });
  admin = createStaff(server, { merchant: merchant.slug, email: "admin@team.example", role: "admin", name: "Adam Admin" });
  // The clock stands still from the owner's and admin's sign-in on, so their sign-in stays "recent
  // authentication" (10 minutes) however long the file takes, and each test moves it explicitly.
  t0 = await server.freezeClock();
  ownerCookie = (await signIn(server, owner.email, owner.password)).cookie;
  adminCookie = (await signIn(server, admin.email, admin.password)).cookie;
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});
afterEach(async () => {
  await server.freezeClock(t0);
});

const url = (path: string) => `${server.url}${path}`;
const team = (cookie: string, fields: Record<string, string>) => post(url("/dashboard/settings/team"), fields, { cookie });
const linkIn = (text: string) => /https?:\/\/\S+\/dashboard\/invite\/[A-Za-z0-9_-]+/.exec(text)![0];
const membershipOf = (email: string) =>
  queryDb<{ id: string; role: string }>(server.dbFile, "select m.id, m.role from staff_memberships m join staff_users u on u.id = m.staff_user_id where u.email = ? and m.merchant_id = ?", email, merchant.id)[0];

describe("invites", () => {
  it("emails a one-time link (7 days); a new person sets a password and joins with the role", async () => {
    const sent = await team(ownerCookie, { intent: "invite", email: "New.Person@Team.Example", role: "support" });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe("/dashboard/settings/team?notice=invite_sent");
    const mail = await smtp.waitFor((m) => m.to.includes("new.person@team.example"));
    expect(mail.subject).toBe("Join Team Co on Portico");
    expect(mail.text).toContain("Olga Owner invited you to the Team Co dashboard on Portico as Support.");
    expect(mail.text).toContain("expires in 7 days");
    const link = linkIn(mail.text);
    expect(link.startsWith(`${server.url}/dashboard/invite/`)).toBe(true);
    const token = link.split("/").pop()!;
    // The token lives only in the mail that delivers it; the invite row keeps its hash.
    expect(allTextValues(server.dbFile).filter((v) => v.value.includes(token)).map((v) => v.where).every((w) => w.startsWith("mail_outbox."))).toBe(true);

    const pending = await get(url("/dashboard/settings/team"), ownerCookie);
    expect(pending.text).toContain('data-testid="invite-new.person@team.example"');

    const page = await get(link);
    expect(page.status).toBe(200);
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(testIdText(page.text, "invite-summary")).toBe("new.person@team.example is invited to Team Co as Support.");
    const weak = await post(link, { name: "Nia", password: "short" });
    expect(weak.status).toBe(400);
    expect(testIdText(weak.text, "error-password")).toBe("Use at least 12 characters.");
    expect(membershipOf("new.person@team.example")).toBeUndefined();

    const joined = await post(link, { name: "Nia New", password: "nia's long passphrase" });
    expect(joined.status).toBe(303);
    expect(joined.location).toBe("/dashboard?notice=invite_accepted");
    const home = await get(url("/dashboard"), staffCookie(joined));
    expect(home.status).toBe(200);
    expect(decodeHtml(home.text)).toContain("new.person@team.example · Support");
    expect(membershipOf("new.person@team.example").role).toBe("support");

    // Used once: the link is dead, the invite is no longer pending.
    expect((await get(link)).status).toBe(404);
    expect((await post(link, { password: "another long passphrase" })).status).toBe(404);
    expect((await get(url("/dashboard/settings/team"), ownerCookie)).text).not.toContain('data-testid="invite-new.person@team.example"');
    const audit = queryDb<{ action: string; actor_type: string; actor_id: string; ip: string | null; after: string }>(
      server.dbFile,
      "select action, actor_type, actor_id, ip, after from audit_log where merchant_id = ? and action in ('member.invited', 'member.joined') order by seq",
      merchant.id,
    );
    expect(audit.map((a) => [a.action, a.actor_type])).toEqual([
      ["member.invited", "staff"],
      ["member.joined", "staff"],
    ]);
    expect(audit[0]).toMatchObject({ actor_id: owner.id, ip: "127.0.0.1" });
    expect(JSON.parse(audit[0].after)).toEqual({ email: "new.person@team.example", role: "support" });
  });

  it("writes the mail in the inviter's language", async () => {
    expect((await post(url("/dashboard/locale"), { locale: "ko", redirect_to: "/dashboard" }, { cookie: ownerCookie })).status).toBe(303);
    try {
      expect((await team(ownerCookie, { intent: "invite", email: "hangul@team.example", role: "viewer" })).status).toBe(303);
      const mail = await smtp.waitFor((m) => m.to.includes("hangul@team.example"));
      expect(mail.subject).toBe("Portico에서 Team Co에 합류하세요");
      expect(mail.text).toContain("Olga Owner님이 Portico의 Team Co 대시보드에 조회자(으)로 초대했습니다.");
      const page = await get(url("/dashboard/settings/team"), ownerCookie);
      expect(page.text).toContain('<html lang="ko"');
      expect(decodeHtml(page.text)).toContain("팀원 초대");
    } finally {
      await post(url("/dashboard/locale"), { locale: "en", redirect_to: "/dashboard" }, { cookie: ownerCookie });
    }
  });

  it("an existing staff user accepts while signed in as the invited address; someone else cannot", async () => {
    const elsewhere = createMerchant(server.dbFile, "Elsewhere", "elsewhere");
    const existing = createStaff(server, { merchant: elsewhere.slug, email: "existing@team.example", role: "owner" });
    expect((await team(adminCookie, { intent: "invite", email: existing.email, role: "finance" })).status).toBe(303);
    const link = linkIn((await smtp.waitFor((m) => m.to.includes(existing.email))).text);
    const path = new URL(link).pathname;

    const anonymous = await get(link);
    expect(anonymous.text).toContain(`href="/dashboard/sign-in?redirect_to=${encodeURIComponent(path)}"`);
    // Posting without being that person changes nothing.
    const before = snapshotDb(server.dbFile);
    expect((await post(link, {})).status).toBe(404);
    expect((await post(link, {}, { cookie: adminCookie })).status).toBe(404);
    expect(snapshotDb(server.dbFile)).toBe(before);
    expect((await get(link, adminCookie)).text).toContain('data-testid="invite-wrong-account"');

    const signedIn = await signIn(server, existing.email, existing.password, path);
    expect(signedIn.location).toBe(path);
    const page = await get(link, signedIn.cookie);
    expect(page.text).toContain('data-testid="invite-accept"');
    const accepted = await post(link, {}, { cookie: signedIn.cookie });
    expect(accepted.status).toBe(303);
    // The session now acts on the merchant just joined; the other membership stays.
    const home = await get(url("/dashboard"), signedIn.cookie);
    expect(decodeHtml(home.text)).toContain("You are working in Team Co.");
    expect(membershipOf(existing.email).role).toBe("finance");
    expect(queryDb(server.dbFile, "select 1 from staff_memberships where merchant_id = ?", elsewhere.id)).toHaveLength(1);
  });

  it("dies after 7 days; a newer invite voids the older; an invite can be revoked; members are refused", async () => {
    await team(ownerCookie, { intent: "invite", email: "slow@team.example", role: "viewer" });
    const first = linkIn((await smtp.waitFor((m) => m.to.includes("slow@team.example"))).text);
    await team(ownerCookie, { intent: "invite", email: "slow@team.example", role: "admin" });
    const second = linkIn((await smtp.waitFor((m) => m.to.includes("slow@team.example") && !m.text.includes(first))).text);
    expect(second).not.toBe(first);
    expect((await get(first)).status).toBe(404);
    // Invited at t0 (the stopped clock): valid until the last millisecond of its 7 days.
    await server.freezeClock(t0 + 7 * DAY - 1);
    expect((await get(second)).status).toBe(200);
    await server.freezeClock(t0 + 7 * DAY);
    expect((await get(second)).status).toBe(404);
    expect((await post(second, { name: "Slow", password: "slow but long passphrase" })).status).toBe(404);
    await server.freezeClock(t0);

    await team(ownerCookie, { intent: "invite", email: "revoked@team.example", role: "viewer" });
    const revokedLink = linkIn((await smtp.waitFor((m) => m.to.includes("revoked@team.example"))).text);
    const inviteId = queryDb<{ id: string }>(server.dbFile, "select id from staff_invites where email = 'revoked@team.example'")[0].id;
    expect((await team(ownerCookie, { intent: "revoke_invite", invite_id: inviteId })).status).toBe(303);
    expect((await get(revokedLink)).status).toBe(404);

    const dup = await team(ownerCookie, { intent: "invite", email: admin.email, role: "viewer" });
    expect(dup.status).toBe(400);
    expect(testIdText(dup.text, "error-email")).toBe("This address already belongs to a member of the team.");
    const bad = await team(ownerCookie, { intent: "invite", email: "nope", role: "viewer" });
    expect(bad.status).toBe(400);
    expect(testIdText(bad.text, "error-email")).toBe("Enter a valid email address.");
    // Refused invites queue no mail: checked on the outbox, and on the capture once every queued
    // mail has been handed over (not merely before a slow send would have arrived).
    expect(queryDb(server.dbFile, "select 1 from mail_outbox where to_address in (?, ?)", admin.email, "nope")).toHaveLength(0);
    await outboxDrained(server.dbFile);
    expect(smtp.messages.filter((m) => m.to.includes(admin.email) || m.to.includes("nope"))).toHaveLength(0);
  });
});

describe("roles", () => {
  it("only owners touch the owner role; admins manage the rest", async () => {
    const target = createStaff(server, { merchant: merchant.slug, email: "role-target@team.example", role: "viewer" });
    const ownerMembership = membershipOf(owner.email).id;
    const before = snapshotDb(server.dbFile);
    expect((await team(adminCookie, { intent: "change_role", membership_id: ownerMembership, role: "viewer" })).status).toBe(403);
    expect((await team(adminCookie, { intent: "remove", membership_id: ownerMembership })).status).toBe(403);
    expect((await team(adminCookie, { intent: "change_role", membership_id: membershipOf(target.email).id, role: "owner" })).status).toBe(403);
    expect((await team(adminCookie, { intent: "invite", email: "wannabe@team.example", role: "owner" })).status).toBe(403);
    expect(snapshotDb(server.dbFile)).toBe(before);

    const changed = await team(adminCookie, { intent: "change_role", membership_id: membershipOf(target.email).id, role: "finance" });
    expect(changed.status).toBe(303);
    expect(membershipOf(target.email).role).toBe("finance");
    const row = queryDb<{ before: string; after: string; actor_id: string }>(server.dbFile, "select before, after, actor_id from audit_log where action = 'member.role_changed' order by seq desc limit 1")[0];
    expect({ before: JSON.parse(row.before), after: JSON.parse(row.after), actor: row.actor_id }).toEqual({ before: { role: "viewer" }, after: { role: "finance" }, actor: admin.id });
  });

  it("role changes and removals need a recent confirmation", async () => {
    const target = createStaff(server, { merchant: merchant.slug, email: "sudo-target@team.example", role: "viewer" });
    await server.freezeClock(t0 + 11 * MIN); // the owner's sign-in (at t0) is no longer recent
    const asked = await team(ownerCookie, { intent: "change_role", membership_id: membershipOf(target.email).id, role: "support" });
    expect(asked.status).toBe(401);
    expect(asked.text).toContain('data-testid="sudo-form"');
    expect(membershipOf(target.email).role).toBe("viewer");
    expect((await team(ownerCookie, { intent: "remove", membership_id: membershipOf(target.email).id })).status).toBe(401);
    expect(membershipOf(target.email)).toBeDefined();
    const done = await team(ownerCookie, { intent: "change_role", membership_id: membershipOf(target.email).id, role: "support", sudo_password: owner.password });
    expect(done.status).toBe(303);
    expect(membershipOf(target.email).role).toBe("support");
  });

  it("the last owner can be neither demoted nor removed", async () => {
    const solo = createMerchant(server.dbFile, "Solo Co", "solo");
    const soloOwner = createStaff(server, { merchant: solo.slug, email: "solo@team.example", role: "owner" });
    const { cookie } = await signIn(server, soloOwner.email, soloOwner.password);
    const mine = queryDb<{ id: string }>(server.dbFile, "select id from staff_memberships where merchant_id = ?", solo.id)[0].id;
    const before = snapshotDb(server.dbFile);
    const demote = await post(url("/dashboard/settings/team"), { intent: "change_role", membership_id: mine, role: "admin" }, { cookie });
    expect(demote.status).toBe(400);
    expect(testIdText(demote.text, "role-error-solo@team.example")).toBe("A merchant needs at least one owner. Make someone else owner first.");
    const remove = await post(url("/dashboard/settings/team"), { intent: "remove", membership_id: mine }, { cookie });
    expect(remove.status).toBe(400);
    expect(testIdText(remove.text, "form-error")).toContain("at least one owner");
    expect(snapshotDb(server.dbFile)).toBe(before);
    // With a second owner, the first may step down.
    const second = createStaff(server, { merchant: solo.slug, email: "solo2@team.example", role: "owner" });
    expect(second.id).toMatch(/^stf_/);
    expect((await post(url("/dashboard/settings/team"), { intent: "change_role", membership_id: mine, role: "admin" }, { cookie })).status).toBe(303);
  });
});

describe("removal", () => {
  it("ends the member's sessions for this merchant at once; their other merchant keeps working", async () => {
    const member = createStaff(server, { merchant: merchant.slug, email: "leaver@team.example", role: "support" });
    const other = createMerchant(server.dbFile, "Other Shop", "other-shop");
    createStaff(server, { merchant: other.slug, email: member.email, role: "viewer" });
    // Two memberships: one session on each merchant.
    const onTeam = await signIn(server, member.email, member.password);
    expect((await post(url("/dashboard/switch"), { merchant_id: merchant.id }, { cookie: onTeam.cookie })).status).toBe(303);
    const onOther = await signIn(server, member.email, member.password);
    expect((await post(url("/dashboard/switch"), { merchant_id: other.id }, { cookie: onOther.cookie })).status).toBe(303);
    expect((await get(url("/dashboard"), onTeam.cookie)).status).toBe(200);

    const removed = await team(ownerCookie, { intent: "remove", membership_id: membershipOf(member.email).id });
    expect(removed.status).toBe(303);
    expect(removed.location).toBe("/dashboard/settings/team?notice=member_removed");
    const after = await get(url("/dashboard/settings/team"), onTeam.cookie);
    expect(after.status).toBe(303);
    expect(after.location).toMatch(/^\/dashboard\/sign-in\?redirect_to=/);
    expect((await get(url("/dashboard"), onOther.cookie)).status).toBe(200);
    // Their old session cannot be switched back to the merchant they left.
    expect((await post(url("/dashboard/switch"), { merchant_id: merchant.id }, { cookie: onOther.cookie })).status).toBe(403);
    const row = queryDb<{ data: string; before: string }>(server.dbFile, "select data, before from audit_log where action = 'member.removed' order by seq desc limit 1")[0];
    expect(JSON.parse(row.data)).toEqual({ sessions_ended: 1 });
    expect(JSON.parse(row.before)).toMatchObject({ role: "support" });
  });

  it("shows members with role and two-factor status", async () => {
    const page = decodeHtml((await get(url("/dashboard/settings/team"), ownerCookie)).text);
    expect(page).toContain('data-testid="member-owner@team.example"');
    expect(page).toMatch(/data-testid="member-owner@team\.example"[\s\S]*?data-testid="member-role">Owner<[\s\S]*?data-testid="member-two-factor">No two-factor</);
  });
});
