import type { ReactNode } from "react";
import { I18nextProvider } from "react-i18next";
import { getI18n, type Locale } from "~/i18n/index";

/** The frame of the pages outside the signed-in shell: sign-in, second step, setup, invite. */
export function AuthCard({ locale, children, testId }: { locale: Locale; children: ReactNode; testId: string }) {
  return (
    <I18nextProvider i18n={getI18n(locale)}>
      <main className="auth" lang={locale}>
        <p className="auth-logo" aria-hidden="true">
          Portico
        </p>
        <section className="card auth-card" data-testid={testId}>
          {children}
        </section>
      </main>
    </I18nextProvider>
  );
}
