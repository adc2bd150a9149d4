import i18next from "i18next";
import { describe, expect, it, vi } from "vitest";
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

/** Each `{{name}}` of a key's text in a catalogue (en and ko share keys; ko may lack one). */
function placeholders(locale: Locale, key: string): string[] {
  const text = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], locale === "en" ? en : ko);
  return typeof text === "string" ? [...new Set([...text.matchAll(/\{\{([^{}]*)\}\}/g)].map((m) => m[1].trim()))] : [];
}

// Values that exercise the interpolator's edges: replacement patterns, a placeholder inside a
// value, markup (escapeValue is off), a number, Hangul.
const tricky = ["US$21.99 $& $$ $1 $'", "{{merchant}} and {{count}}", "<b>Acme & Co</b>", 12000, "김민지"];

describe("t with options that only fill a key's placeholders (issue 13: straight to the interpolator)", () => {
  const withPlaceholders = keys.filter((key) => placeholders("en", key).length > 0);

  it("has such keys to check", () => {
    expect(withPlaceholders.length).toBeGreaterThan(60);
  });

  for (const locale of supportedLocales) {
    it(`${locale}: gives i18next's own text for every key with placeholders, for every kind of value`, () => {
      const reference = plainI18next(locale).getFixedT(null, "translation");
      const t = getI18n(locale).getFixedT(null, "translation");
      for (const key of withPlaceholders) {
        const names = placeholders(locale, key).length > 0 ? placeholders(locale, key) : placeholders("en", key);
        for (const [i, value] of tricky.entries()) {
          const values = Object.fromEntries(names.map((name, j) => [name, tricky[(i + j) % tricky.length] ?? value]));
          expect(t(key, values), `${key} ${JSON.stringify(values)}`).toBe(reference(key, values));
          expect(t(key, values), `${key} (second call)`).toBe(reference(key, values));
          // One placeholder left out, one option too many, an option of i18next's own: t decides.
          const missing = Object.fromEntries(Object.entries(values).slice(1));
          expect(t(key, missing), `${key} missing one`).toBe(reference(key, missing));
          expect(t(key, { ...values, extra: "x" }), `${key} extra`).toBe(reference(key, { ...values, extra: "x" }));
          expect(t(key, { ...values, count: 2 }), `${key} count`).toBe(reference(key, { ...values, count: 2 }));
          expect(t(key, { ...values, defaultValue: "d" }), `${key} default`).toBe(reference(key, { ...values, defaultValue: "d" }));
        }
      }
      expect(t("no.such.key", { name: "x" })).toBe(reference("no.such.key", { name: "x" }));
    });
  }

  it("does not go through t's resolution for such options, and does for any other", () => {
    const instance = getI18n("ko");
    const t = instance.getFixedT(null, "translation");
    const values = { brand: "Visa", last4: "4242" };
    expect(t("billing.methods.cardEnding", values)).toBe("Visa 끝자리 4242");
    const spy = vi.spyOn(instance, "t");
    try {
      expect(t("billing.methods.cardEnding", values)).toBe("Visa 끝자리 4242");
      expect(spy).not.toHaveBeenCalled();
      t("billing.methods.cardEnding", { ...values, count: 1 });
      t("billing.methods.cardEnding", { brand: "Visa" });
      t("billing.methods.cardEnding", { brand: "Visa", last4: undefined });
      t("billing.methods.cardEnding", Object.assign(Object.create({ inherited: 1 }), values));
      expect(spy).toHaveBeenCalledTimes(4);
    } finally {
      spy.mockRestore();
    }
  });

  it("fills such a key itself, and leaves a value that holds a placeholder to i18next's interpolator", () => {
    const instance = getI18n("en");
    const t = instance.getFixedT(null, "translation");
    const interpolate = vi.spyOn(instance.services.interpolator, "interpolate");
    try {
      expect(t("billing.methods.cardEnding", { brand: "Visa", last4: "4242" })).toBe(plainI18next("en").t("billing.methods.cardEnding", { brand: "Visa", last4: "4242" }));
      expect(interpolate).not.toHaveBeenCalled();
      const odd = { brand: "{{last4}}", last4: "4242" };
      expect(t("billing.methods.cardEnding", odd)).toBe(plainI18next("en").t("billing.methods.cardEnding", odd));
      expect(interpolate).toHaveBeenCalledTimes(1);
    } finally {
      interpolate.mockRestore();
    }
  });
});

