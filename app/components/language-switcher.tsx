import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { supportedLocales } from "~/i18n/index";

/**
 * The language switcher of the portal and the dashboard: a POST to the surface's own locale
 * route (which stores the choice; a GET changes nothing), back to the page it came from.
 */
export function LanguageSwitcher(props: { action: string; id: string; current: string; label: string; submitLabel: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <Form method="post" action={props.action} className="language-switcher" data-testid="language-switcher">
      <input type="hidden" name="redirect_to" value={`${location.pathname}${location.search}`} />
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name="locale" defaultValue={props.current} data-testid="language-select">
        {supportedLocales.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`nav.languageNames.${l}`)}
          </option>
        ))}
      </select>
      <button type="submit" className="button secondary small" data-testid="language-submit">
        {props.submitLabel}
      </button>
    </Form>
  );
}
