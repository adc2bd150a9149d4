import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { getI18n, supportedLocales, translator, type Locale } from "./index";
import { ko } from "./ko";

/** Every leaf key of a catalogue ("common.backTo", …). */
function leafKeys(tree: object, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : leafKeys(value as object, `${prefix}${key}.`),
  );
}

/** i18next as it comes, initialised like getI18n: the reference the app's own t must match. */
function plainI18next(locale: Locale) {
  const instance = i18next.createInstance();
  void instance.init({
    lng: locale,
    fallbackLng: "en",
    resources: { en: { translation: en }, ko: { translation: ko } },
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

const keys = leafKeys(en);
const options = { merchant: "Acme <b>", count: 2, amount: "₩10,000", date: "2026-01-02", email: "a@example.com", name: "김민지" };

describe("each locale's t (issue 13: no per-call copy of i18next's options)", () => {
  it("has keys to check", () => {
    expect(keys.length).toBeGreaterThan(300);
  });

  for (const locale of supportedLocales) {
    it(`${locale}: what useTranslation and translator() return gives i18next's own text for every key, with and without options`, () => {
      const reference = plainI18next(locale).getFixedT(null, "translation");
      const viaHook = getI18n(locale).getFixedT(null, "translation"); // react-i18next's call
      const viaTranslator = translator(locale);
      for (const key of keys) {
        const expected = reference(key);
        expect(viaHook(key), key).toBe(expected);
        expect(viaHook(key), `${key} (second call, remembered)`).toBe(expected);
        expect(viaTranslator(key), key).toBe(expected);
        expect(viaHook(key, options), `${key} with options`).toBe(reference(key, options));
      }
      expect(viaHook("no.such.key")).toBe(reference("no.such.key"));
      expect(viaHook("no.such.key", "a default")).toBe("a default");
    });
  }

  it("is one function per locale, and another language or key prefix still gets i18next's own", () => {
    const koI18n = getI18n("ko");
    expect(koI18n.getFixedT(null, "translation")).toBe(koI18n.getFixedT(null, "translation"));
    expect(koI18n.getFixedT(null, "translation")).not.toBe(getI18n("en").getFixedT(null, "translation"));
    expect(koI18n.getFixedT("en", "translation")("common.signOut")).toBe(en.common.signOut);
    expect(getI18n("en").getFixedT("ko", "translation")("common.signOut")).toBe(ko.common.signOut);
    expect(koI18n.getFixedT(null, "translation", "common")("signOut")).toBe(ko.common.signOut);
  });
});
