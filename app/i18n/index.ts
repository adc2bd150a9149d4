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
    withLeanT(instance);
    instances.set(locale, instance);
  }
  return instance;
}

export function translator(locale: Locale): TFunction {
  return getI18n(locale).getFixedT(null, "translation");
}

// A key's text without options, per locale: the catalogues are fixed at start and each instance
// keeps its one language, so the same key always gives the same text. Keys come from the code,
// but the map is bounded all the same.
const PLAIN_CACHE_MAX = 5_000;

/**
 * Gives an instance one t of its own for its language and default namespace, and hands it out
 * from getFixedT — what react-i18next's useTranslation calls on every render (issue 13's profile:
 * ≈ 200 calls per portal page). i18next 25's getFixedT returns a function that copies its options
 * and then the instance's whole options object (for key selectors, which this app does not use)
 * on every call. This t calls the instance's own t with the caller's options unchanged: the same
 * translation (no lng/ns/keyPrefix to add, as they are the instance's defaults), and a key
 * without options is looked up once per locale. Any other getFixedT call (another language,
 * namespace or key prefix) still gets i18next's own.
 */
function withLeanT(instance: i18n) {
  const fixedT = instance.getFixedT.bind(instance);
  const plain = new Map<string, string>();
  const lean = ((key: unknown, ...rest: unknown[]) => {
    if (rest.length === 0 && typeof key === "string") {
      let text = plain.get(key);
      if (text === undefined) {
        text = instance.t(key);
        if (plain.size < PLAIN_CACHE_MAX) plain.set(key, text);
      }
      return text;
    }
    return (instance.t as unknown as (...args: unknown[]) => unknown)(key, ...rest);
  }) as unknown as TFunction & { lng: string | null; ns: string; keyPrefix: undefined };
  // What i18next's fixed t carries (react-i18next reads none of it; kept for parity).
  lean.lng = null;
  lean.ns = "translation";
  lean.keyPrefix = undefined;
  instance.getFixedT = ((lng?: string | readonly string[] | null, ns?: string | readonly string[] | null, keyPrefix?: string) => {
    const ownLanguage = lng == null || lng === instance.language;
    const ownNamespace = ns == null || ns === "translation" || (Array.isArray(ns) && ns.length === 1 && ns[0] === "translation");
    return ownLanguage && ownNamespace && keyPrefix === undefined ? lean : fixedT(lng as string, ns as string, keyPrefix);
  }) as i18n["getFixedT"];
}
