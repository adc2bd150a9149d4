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

/**
 * A key's text with only plain `{{name}}` placeholders, and their names; `parts` is the text
 * split at them: literal, name, literal, name, …, literal.
 */
type Template = { text: string; variables: ReadonlySet<string>; parts: readonly string[] };

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The key's text as t resolves it (language, then the fallback) before interpolating, when it is
 * one a fast path can fill exactly: a string, no nesting (`$t(`), and every `{{…}}` a bare name
 * (no format, no unescape prefix, no path). Anything else is null and goes to t.
 */
function readTemplate(instance: i18n, key: string): Template | null {
  if (!instance.exists(key)) return null;
  const text: unknown = instance.t(key, { skipInterpolation: true });
  if (typeof text !== "string" || text.includes("$t(")) return null;
  const variables = new Set<string>();
  for (const [, name] of text.matchAll(PLACEHOLDER)) {
    if (!VARIABLE.test(name)) return null;
    variables.add(name);
  }
  // A brace the placeholder pattern did not take (`{{{`, an unclosed `{{`): left to t.
  if (text.replace(PLACEHOLDER, "").includes("{{")) return null;
  return variables.size > 0 ? { text, variables, parts: text.split(PLACEHOLDER) } : null;
}

/**
 * What i18next's interpolator makes of a template whose every placeholder `fillsExactly` gave a
 * value, with escaping off: each placeholder replaced by its value as a string. i18next gets
 * there with a RegExp loop that copies the whole text once per placeholder (issue 13: ≈ 3 % of a
 * billing page's thread, from each row's payment method); this joins the parts once. A value
 * that itself holds a placeholder is left to i18next (its loop can replace that one instead).
 */
function fill(template: Template, values: Record<string, string | number>): string | null {
  const { parts } = template;
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const value = String(values[parts[i]]);
    if (value.includes("{{")) return null;
    out += value + parts[i + 1];
  }
  return out;
}

/**
 * Options that only give the template's placeholders their values, strings or numbers: no
 * option of i18next's own (count, context, defaultValue, lng, …) and no placeholder left out,
 * so t would do nothing with them but interpolate.
 */
function fillsExactly(template: Template, options: unknown): boolean {
  if (options === null || typeof options !== "object" || Object.getPrototypeOf(options) !== Object.prototype) return false;
  let count = 0;
  for (const name in options) {
    if (!Object.prototype.hasOwnProperty.call(options, name)) return false;
    const value = (options as Record<string, unknown>)[name];
    if (!template.variables.has(name) || (typeof value !== "string" && typeof value !== "number")) return false;
    count++;
  }
  return count === template.variables.size;
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
 * without options is looked up once per locale. A key whose options only fill its `{{name}}`
 * placeholders skips t's resolution and is filled from the key's text (`fill`; ≈ 18 % of a
 * billing page's React render was t; each row's payment method is one such call). Any other
 * getFixedT call (another language, namespace or key prefix) still gets i18next's own.
 */
function withLeanT(instance: i18n) {
  const fixedT = instance.getFixedT.bind(instance);
  const plain = new Map<string, string>();
  const templates = new Map<string, Template | null>();
  const templateOf = (key: string): Template | null => {
    let template = templates.get(key);
    if (template === undefined) {
      template = readTemplate(instance, key);
      if (templates.size < PLAIN_CACHE_MAX) templates.set(key, template);
    }
    return template;
  };
  const lean = ((key: unknown, ...rest: unknown[]) => {
    if (rest.length === 0 && typeof key === "string") {
      let text = plain.get(key);
      if (text === undefined) {
        text = instance.t(key);
        if (plain.size < PLAIN_CACHE_MAX) plain.set(key, text);
      }
      return text;
    }
    if (rest.length === 1 && typeof key === "string") {
      const template = templateOf(key);
      if (template && fillsExactly(template, rest[0])) {
        // What t does with such options (translate → extendTranslation): i18next's interpolator
        // on the key's text, with the caller's values; nothing to resolve again.
        return (
          fill(template, rest[0] as Record<string, string | number>) ??
          instance.services.interpolator.interpolate(template.text, rest[0] as object, instance.language, rest[0] as object)
        );
      }
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
