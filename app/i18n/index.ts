import i18next, { type i18n, type TFunction } from "i18next";
import { en } from "./en";
import { ko } from "./ko";

export const supportedLocales = ["en", "ko"] as const;
export type Locale = (typeof supportedLocales)[number];
export const fallbackLocale: Locale = "en";

const resources = { en, ko };
const instances = new Map<Locale, i18n>();

/** The best supported locale for a tag such as "ko-KR"; null when none matches. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return (supportedLocales as readonly string[]).includes(base) ? (base as Locale) : null;
}

/**
 * One synchronously initialised i18next instance per locale, shared by server renders, the
 * browser and e-mails. Catalogues are bundled (two small objects), so no backend is needed.
 */
export function getI18n(locale: Locale): i18n {
  let instance = instances.get(locale);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.init({
      lng: locale,
      fallbackLng: fallbackLocale,
      resources: Object.fromEntries(Object.entries(resources).map(([lng, cat]) => [lng, { translation: cat }])),
      interpolation: { escapeValue: false }, // React and the e-mail renderer escape.
      initAsync: false,
      returnNull: false,
      showSupportNotice: false,
    });
    instances.set(locale, instance);
  }
  return instance;
}

export function translator(locale: Locale): TFunction {
  return getI18n(locale).t;
}
