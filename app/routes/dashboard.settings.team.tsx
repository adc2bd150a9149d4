import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { staffRoles, type StaffRole } from "#db/schema/staff-memberships";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ConfirmAction, ErrorSummary, ErrorText, Field, Notice, PageHeader, SubmitButton, Time, type FieldErrors } from "~/components/dashboard/ui";
import { when } from "~/dashboard/format.server";
import { domainFieldErrors, formString, isNotFound, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffAction, type StaffContext } from "~/dashboard/guards.server";
import { prepareInvite } from "~/dashboard/invites.server";
import { noticeOf, redirectWithNotice } from "~/dashboard/notices.server";
import { assignableRoles } from "~/dashboard/permissions";
import { requireRecentAuth } from "~/dashboard/sudo.server";
import { changeMemberRole, createInvite, listPendingInvites, listTeam, memberRole, removeMember, revokeInvite, setTwoFactorRequired } from "~/models/team.server";
import { EmailSchema } from "~/utils/fields";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

const InviteSchema = z.strictObject({ email: EmailSchema, role: z.enum(staffRoles) });
const RoleSchema = z.enum(staffRoles);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "settings:read");
  const assignable = s.can("team:write") ? assignableRoles(s.membership.role) : [];
  return json(
    {
      members: listTeam(s.merchant.id).map((m) => ({
        membershipId: m.membershipId,
        email: m.email,
        name: m.name,
        role: m.role,
        twoFactor: m.twoFactor,
        you: m.staffUserId === s.staff.id,
        joinedAt: when(m.joinedAt, s.locale),
        // Admins manage non-owner roles; owners manage everyone (the server checks again).
        manageable: s.can("team:write") && (m.role !== "owner" || s.can("team:owners")),
      })),
      invites: listPendingInvites(s.merchant.id).map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: when(i.expiresAt, s.locale) })),
      assignable,
      canInvite: s.can("team:write"),
      canRequire: s.can("team:require_two_factor"),
      twoFactorRequired: s.merchant.staffTwoFactorRequired,
      notice: noticeOf(request),
    },
    { headers: NO_STORE },
  );
}

/** Only owners touch the owner role: making one, demoting one, removing one. */
function requireOwnerRights(s: StaffContext, ...roles: (StaffRole | null)[]) {
  if (roles.includes("owner") && !s.can("team:owners")) throw dashboardError(403, "forbidden");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = formString(form, "intent");
  const page = "/dashboard/settings/team";
  const fail = (errors: FieldErrors, values?: Record<string, string>) => json({ intent, errors, values: values ?? null }, { status: 400, headers: NO_STORE });
  const runDomain = (run: () => void): FieldErrors | null => {
    try {
      run();
      return null;
    } catch (error) {
      if (isNotFound(error)) throw dashboardError(404, "not_found");
      const errors = domainFieldErrors(error);
      if (!errors) throw error;
      return errors;
    }
  };

  if (intent === "require_two_factor") {
    const s = await requireStaffAction(request, "team:require_two_factor", context.clientIp);
    setTwoFactorRequired({ merchantId: s.merchant.id, required: form.get("required") === "on", actor: s.actor });
    return redirectWithNotice(page, "requirement_saved");
  }

  const s = await requireStaffAction(request, "team:write", context.clientIp);
  switch (intent) {
    case "invite": {
      const values = { email: formString(form, "email"), role: formString(form, "role") };
      const parsed = InviteSchema.safeParse(values);
      if (!parsed.success) return fail(zodFieldErrors(parsed.error), values);
      requireOwnerRights(s, parsed.data.role);
      const prepared = await prepareInvite(s, parsed.data);
      const errors = runDomain(() => createInvite({ merchantId: s.merchant.id, prepared, actor: s.actor }));
      return errors ? fail(errors, values) : redirectWithNotice(page, "invite_sent");
    }
    case "revoke_invite": {
      runDomain(() => revokeInvite({ merchantId: s.merchant.id, inviteId: formString(form, "invite_id"), actor: s.actor }));
      return redirectWithNotice(page, "invite_revoked");
    }
    case "change_role": {
      const membershipId = formString(form, "membership_id");
      const role = RoleSchema.safeParse(formString(form, "role"));
      if (!role.success) return fail({ role: { key: "dash.validation.role" } });
      const current = memberRole({ merchantId: s.merchant.id, membershipId });
      if (!current) throw dashboardError(404, "not_found");
      requireOwnerRights(s, current, role.data);
      await requireRecentAuth(s, form);
      const errors = runDomain(() => changeMemberRole({ merchantId: s.merchant.id, membershipId, role: role.data, actor: s.actor }));
      return errors ? fail({ [`role-${membershipId}`]: errors.role ?? errors.form! }) : redirectWithNotice(page, "role_changed");
    }
    case "remove": {
      const membershipId = formString(form, "membership_id");
      const current = memberRole({ merchantId: s.merchant.id, membershipId });
      if (!current) throw dashboardError(404, "not_found");
      requireOwnerRights(s, current);
      await requireRecentAuth(s, form);
      const errors = runDomain(() => removeMember({ merchantId: s.merchant.id, membershipId, actor: s.actor }));
      return errors ? fail({ form: errors.form ?? errors.role! }) : redirectWithNotice(page, "member_removed");
    }
    default:
      throw dashboardError(404, "not_found");
  }
}

export default function TeamPage() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const { t } = useTranslation();
  const errors: FieldErrors | undefined = acted?.errors;
  return (
    <div data-testid="page-team">
      <PageHeader title={t("dash.team.title")} description={t("dash.team.intro")} />
      <Notice notice={data.notice} />
      {acted?.intent !== "invite" ? <FormErrorOnly errors={errors} /> : null}
      <section className="section" aria-labelledby="members-title">
        <h2 id="members-title" className="section-title">
          {t("dash.team.members")}
        </h2>
        <ul className="rows" data-testid="member-list">
          {data.members.map((m) => (
            <li key={m.membershipId} data-testid={`member-${m.email}`}>
              <div className="row-main">
                <strong>{m.name ?? m.email}</strong> {m.you ? <span className="badge info">{t("dash.team.you")}</span> : null}
                <p className="muted small">{m.email}</p>
                <p className="small">
                  <span className="badge neutral" data-testid="member-role">
                    {t(`dash.roles.${m.role}`)}
                  </span>{" "}
                  <span className={`badge ${m.twoFactor ? "good" : "warn"}`} data-testid="member-two-factor">
                    {m.twoFactor ? t("dash.team.twoFactorOn") : t("dash.team.twoFactorOff")}
                  </span>{" "}
                  <span className="muted">
                    {t("dash.team.joined")} <Time {...m.joinedAt} />
                  </span>
                </p>
              </div>
              {m.manageable ? (
                <div className="row-actions">
                  <Form method="post" className="inline-form role-form">
                    <input type="hidden" name="intent" value="change_role" />
                    <input type="hidden" name="membership_id" value={m.membershipId} />
                    <label htmlFor={`role-${m.membershipId}`} className="visually-hidden">
                      {t("dash.team.roleFor", { email: m.email })}
                    </label>
                    <select id={`role-${m.membershipId}`} name="role" defaultValue={m.role} data-testid={`role-select-${m.email}`}>
                      {(data.assignable.includes(m.role as StaffRole) ? data.assignable : [m.role, ...data.assignable]).map((r) => (
                        <option key={r} value={r}>
                          {t(`dash.roles.${r}`)}
                        </option>
                      ))}
                    </select>
                    <SubmitButton variant="secondary" small testId={`change-role-${m.email}`} pendingWhen={["membership_id", m.membershipId]}>
                      {t("dash.team.changeRole")}
                    </SubmitButton>
                    <ErrorText id={`role-${m.membershipId}-error`} error={errors?.[`role-${m.membershipId}`]} testId={`role-error-${m.email}`} />
                  </Form>
                  <ConfirmAction
                    fields={{ intent: "remove", membership_id: m.membershipId }}
                    label={t("dash.team.remove")}
                    title={t("dash.team.removeTitle", { email: m.email })}
                    body={t("dash.team.removeBody")}
                    confirmLabel={t("dash.team.remove")}
                    testId={`remove-${m.email}`}
                  />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {data.invites.length > 0 ? (
        <section className="section" aria-labelledby="invites-title">
          <h2 id="invites-title" className="section-title">
            {t("dash.team.pending")}
          </h2>
          <ul className="rows" data-testid="invite-list">
            {data.invites.map((i) => (
              <li key={i.id} data-testid={`invite-${i.email}`}>
                <div className="row-main">
                  <strong>{i.email}</strong> <span className="badge neutral">{t(`dash.roles.${i.role}`)}</span>
                  <p className="muted small">
                    {t("dash.team.expires")} <Time {...i.expiresAt} />
                  </p>
                </div>
                {data.canInvite ? (
                  <ConfirmAction
                    fields={{ intent: "revoke_invite", invite_id: i.id }}
                    label={t("dash.team.revokeInvite")}
                    title={t("dash.team.revokeInviteTitle", { email: i.email })}
                    body={t("dash.team.revokeInviteBody")}
                    confirmLabel={t("dash.team.revokeInvite")}
                    variant="secondary"
                    testId={`revoke-invite-${i.email}`}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {data.canInvite ? (
        <section className="section card" aria-labelledby="invite-title">
          <h2 id="invite-title" className="section-title">
            {t("dash.team.inviteTitle")}
          </h2>
          {acted?.intent === "invite" ? <ErrorSummary errors={errors} /> : null}
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="invite" />
            <Field name="email" type="email" label={t("dash.team.email")} defaultValue={acted?.intent === "invite" ? acted.values?.email : ""} errors={acted?.intent === "invite" ? errors : undefined} idPrefix="inv" inputMode="email" />
            <div className="field">
              <label htmlFor="inv-role">{t("dash.team.role")}</label>
              <select id="inv-role" name="role" defaultValue={(acted?.intent === "invite" && acted.values?.role) || "viewer"} data-testid="field-role">
                {data.assignable.map((r) => (
                  <option key={r} value={r}>
                    {t(`dash.roles.${r}`)}
                  </option>
                ))}
              </select>
              <ErrorText id="inv-role-error" error={acted?.intent === "invite" ? errors?.role : undefined} />
            </div>
            <p className="muted small">{t("dash.team.inviteHint")}</p>
            <div>
              <SubmitButton testId="send-invite">{t("dash.team.sendInvite")}</SubmitButton>
            </div>
          </Form>
        </section>
      ) : null}

      {data.canRequire ? (
        <section className="section card" aria-labelledby="require-title">
          <h2 id="require-title" className="section-title">
            {t("dash.team.requireTitle")}
          </h2>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="require_two_factor" />
            <div className="check">
              <input type="checkbox" id="require-two-factor" name="required" defaultChecked={data.twoFactorRequired} data-testid="require-two-factor" />
              <label htmlFor="require-two-factor">
                {t("dash.team.requireLabel")}
                <span className="hint block">{t("dash.team.requireHint")}</span>
              </label>
            </div>
            <div>
              <SubmitButton variant="secondary" testId="save-requirement">
                {t("dash.ui.save")}
              </SubmitButton>
            </div>
          </Form>
        </section>
      ) : null}
    </div>
  );
}

function FormErrorOnly({ errors }: { errors?: FieldErrors }) {
  const { t } = useTranslation();
  if (!errors?.form) return null;
  return (
    <p className="alert" role="alert" data-testid="form-error">
      {t(errors.form.key, errors.form.values)}
    </p>
  );
}

export const ErrorBoundary = DashboardErrorView;
