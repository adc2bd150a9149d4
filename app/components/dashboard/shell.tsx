import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { Form, Link, NavLink, useLocation, useNavigation, useSubmit } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "~/components/language-switcher";
import { useHydrated } from "./ui";

type ShellData = {
  locale: string;
  staff: { name: string | null; email: string };
  merchant: { id: string; name: string };
  role: string;
  memberships: { merchantId: string; name: string; role: string }[];
  nav: { audit: boolean; settings: boolean };
  enrolmentRequired: boolean;
};

/**
 * The dashboard frame: a skip link, the header (merchant switcher, account menu), the section
 * navigation and the language switcher. Menus are Radix dropdowns once JavaScript runs; before
 * that (or without it) the same choices are plain links and forms.
 */
export function DashboardShell({ data, children }: { data: ShellData; children: ReactNode }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const sections = [
    { to: "/dashboard", label: t("dash.nav.overview"), end: true, show: true, id: "overview" },
    { to: "/dashboard/customers", label: t("dash.nav.customers"), end: false, show: true, id: "customers" },
    { to: "/dashboard/audit", label: t("dash.nav.audit"), end: false, show: data.nav.audit, id: "audit" },
    { to: "/dashboard/settings", label: t("dash.nav.settings"), end: false, show: data.nav.settings, id: "settings" },
  ];
  return (
    <div className="dash" lang={data.locale}>
      <a className="skip-link" href="#dash-main">
        {t("dash.nav.skip")}
      </a>
      <header className="dash-header">
        <div className="dash-bar">
          <Link to="/dashboard" className="dash-logo" aria-label={t("dash.nav.home")}>
            Portico
          </Link>
          <MerchantSwitcher current={data.merchant} memberships={data.memberships} />
          <AccountMenu staff={data.staff} role={data.role} />
        </div>
        <nav className="dash-nav" aria-label={t("dash.nav.label")} data-testid="dash-nav">
          <ul>
            {sections
              .filter((s) => s.show)
              .map((s) => (
                <li key={s.id}>
                  <NavLink to={s.to} end={s.end} prefetch="intent" data-testid={`nav-${s.id}`}>
                    {s.label}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
      </header>
      {data.enrolmentRequired ? (
        <p className="banner" role="status" data-testid="enrolment-required">
          {t("dash.security.requiredBanner", { merchant: data.merchant.name })}
        </p>
      ) : null}
      <main id="dash-main" className="dash-main" tabIndex={-1} aria-busy={navigation.state === "loading" || undefined}>
        {children}
      </main>
      <footer className="dash-footer">
        <LanguageSwitcher action="/dashboard/locale" id="dash-locale" current={data.locale} label={t("dash.nav.language")} submitLabel={t("dash.nav.switchLanguage")} />
        <p className="muted small">{t("dash.footer")}</p>
      </footer>
    </div>
  );
}

function MerchantSwitcher({ current, memberships }: { current: ShellData["merchant"]; memberships: ShellData["memberships"] }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const location = useLocation();
  const submit = useSubmit();
  const others = memberships.filter((m) => m.merchantId !== current.id);
  // The page may not exist in the other merchant; settings pages do, so they are kept.
  const back = location.pathname.startsWith("/dashboard/settings") ? location.pathname : "/dashboard";
  const label = (
    <span className="dash-merchant-name" data-testid="current-merchant">
      {current.name}
    </span>
  );
  if (others.length === 0) return <div className="dash-merchant">{label}</div>;
  if (!hydrated) {
    return (
      <div className="dash-merchant">
        {label}
        <Link to={`/dashboard/switch?redirect_to=${encodeURIComponent("/dashboard")}`} className="small" data-testid="switch-merchant">
          {t("dash.switch.link")}
        </Link>
      </div>
    );
  }
  return (
    <div className="dash-merchant">
      <DropdownMenu.Root>
        <DropdownMenu.Trigger className="menu-trigger" data-testid="switch-merchant" aria-label={t("dash.switch.menuLabel", { merchant: current.name })}>
          {label} <span aria-hidden="true">▾</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="start" sideOffset={6}>
            <DropdownMenu.Label className="menu-label">{t("dash.switch.title")}</DropdownMenu.Label>
            {others.map((m) => (
              // A menu item closes its menu on select, before a form inside it could submit: the
              // item submits itself (the no-JavaScript page /dashboard/switch has real forms).
              <DropdownMenu.Item
                key={m.merchantId}
                className="menu-item"
                data-testid={`switch-to-${m.merchantId}`}
                onSelect={() => submit({ merchant_id: m.merchantId, redirect_to: back }, { method: "post", action: "/dashboard/switch" })}
              >
                {m.name} <span className="muted small">{t(`dash.roles.${m.role}`)}</span>
              </DropdownMenu.Item>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </div>
  );
}

function AccountMenu({ staff, role }: { staff: ShellData["staff"]; role: string }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const hydrated = useHydrated();
  const who = staff.name ?? staff.email;
  if (!hydrated) {
    return (
      <div className="dash-account" data-testid="account-menu">
        <Link to="/dashboard/account/security">{t("dash.nav.account")}</Link>
        <Form method="post" action="/dashboard/sign-out" className="inline-form">
          <button type="submit" className="button secondary small" data-testid="sign-out">
            {t("dash.nav.signOut")}
          </button>
        </Form>
      </div>
    );
  }
  return (
    <div className="dash-account" data-testid="account-menu">
      <DropdownMenu.Root>
        <DropdownMenu.Trigger className="menu-trigger" data-testid="account-menu-trigger" aria-label={t("dash.nav.accountMenu", { name: who })}>
          <span className="dash-who">{who}</span> <span aria-hidden="true">▾</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
            <DropdownMenu.Label className="menu-label">
              {staff.email} · {t(`dash.roles.${role}`)}
            </DropdownMenu.Label>
            <DropdownMenu.Item asChild>
              <Link to="/dashboard/account/security" className="menu-item" data-testid="menu-security">
                {t("dash.nav.account")}
              </Link>
            </DropdownMenu.Item>
            <DropdownMenu.Separator className="menu-separator" />
            <DropdownMenu.Item className="menu-item" data-testid="sign-out" onSelect={() => submit(null, { method: "post", action: "/dashboard/sign-out" })}>
              {t("dash.nav.signOut")}
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </div>
  );
}
