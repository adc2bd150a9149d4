import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** A submit button that says it is working while its own form is being submitted (JS only). */
export function SubmitButton(props: {
  children: ReactNode;
  name?: string;
  value?: string;
  variant?: "primary" | "secondary" | "danger";
  testId?: string;
  label?: string;
}) {
  const navigation = useNavigation();
  const { t } = useTranslation();
  const pending =
    navigation.state === "submitting" && (props.name ? navigation.formData?.get(props.name) === props.value : true);
  return (
    <button
      type="submit"
      name={props.name}
      value={props.value}
      className={`button ${props.variant ?? "primary"}`}
      data-testid={props.testId}
      aria-label={props.label}
      aria-disabled={pending || undefined}
      disabled={pending}
    >
      {pending ? t("ui.working") : props.children}
    </button>
  );
}

export { CopyButton } from "../copy-button";

export function Notice({ notice }: { notice: string | null }) {
  const { t } = useTranslation();
  if (!notice) return null;
  return (
    <div className="notice" role="status" data-testid="portal-notice" data-notice={notice}>
      {t(`notices.${notice}`)}
    </div>
  );
}

const BADGE_TONE: Record<string, string> = {
  succeeded: "good",
  active: "good",
  trialing: "info",
  pending: "info",
  refunded: "neutral",
  partially_refunded: "neutral",
  cancelled: "neutral",
  expired: "neutral",
  cancelPending: "warn",
  past_due: "bad",
  failed: "bad",
  disabled: "bad",
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${BADGE_TONE[status] ?? "neutral"}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

/** Newest-first cursor pages: "Older" carries the last id shown; "Back to newest" drops it. */
export function Pager({ nextCursor, isFirstPage }: { nextCursor: string | null; isFirstPage: boolean }) {
  const { t } = useTranslation();
  if (!nextCursor && isFirstPage) return null;
  return (
    <nav className="pager" aria-label={t("ui.pagination")}>
      {!isFirstPage ? (
        <Link to="?" data-testid="pager-newest">
          {t("ui.newest")}
        </Link>
      ) : (
        <span />
      )}
      {nextCursor ? (
        <Link to={`?starting_after=${encodeURIComponent(nextCursor)}`} data-testid="pager-older" rel="next">
          {t("ui.older")} →
        </Link>
      ) : null}
    </nav>
  );
}

export type Method = { type: string; brand: string | null; last4: string | null } | null;

export function MethodLabel({ method }: { method: Method }) {
  const { t } = useTranslation();
  if (!method) return <>{t("ui.none")}</>;
  if (method.type === "card" && method.last4) {
    const brand = method.brand ? method.brand.charAt(0).toUpperCase() + method.brand.slice(1) : t("billing.methods.card");
    return <>{t("billing.methods.cardEnding", { brand, last4: method.last4 })}</>;
  }
  return <>{t(`billing.methods.${method.type}`)}</>;
}

/** A form posting to the current route with an intent, for one object (plain HTML without JS). */
export function ActionForm({ intent, id, children, className }: { intent: string; id: string; children: ReactNode; className?: string }) {
  return (
    <Form method="post" className={className ?? "inline-form"}>
      <input type="hidden" name="id" value={id} />
      {children}
      <input type="hidden" name="intent" value={intent} />
    </Form>
  );
}

export function SectionHeading({ id, children }: { id: string; children: ReactNode }) {
  return (
    <h2 id={id} className="section-title">
      {children}
    </h2>
  );
}

/** A titled page section, with an optional link beside its heading. */
export function Section(props: { id: string; title: string; link?: { to: string; label: string }; children: ReactNode }) {
  return (
    <section className="section" aria-labelledby={props.id}>
      <div className="section-head">
        <SectionHeading id={props.id}>{props.title}</SectionHeading>
        {props.link ? <Link to={props.link.to}>{props.link.label}</Link> : null}
      </div>
      {props.children}
    </section>
  );
}

/** Wallet balances, one tile per currency (overview and wallet page). */
export function Balances({ wallets, testId }: { wallets: { currency: string; balance: string }[]; testId: string }) {
  return (
    <ul className="balances" data-testid={testId}>
      {wallets.map((w) => (
        <li key={w.currency} data-testid={`wallet-balance-${w.currency}`}>
          <span className="muted small">{w.currency}</span>
          <span className="money">{w.balance}</span>
        </li>
      ))}
    </ul>
  );
}
