import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

useOwnDatabase("view-models");

let displayFormat: typeof import("./view-models.server").displayFormat;
beforeAll(async () => {
  ({ displayFormat } = await import("./view-models.server"));
});

const intl = (locale: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" });

describe("displayFormat keeps the texts it made (issue 13)", () => {
  it("writes every moment as Intl does: days and minutes apart, either side of midnight UTC, before 1970, in several locales", () => {
    const moments = [
      "2026-03-14T00:00:00.000Z",
      "2026-03-14T23:59:59.999Z",
      "2026-03-15T00:00:00.000Z",
      "2026-03-14T12:34:00.000Z",
      "2026-03-14T12:34:59.999Z",
      "2026-03-14T12:35:00.000Z",
      "1969-12-31T23:59:30.000Z",
      "1970-01-01T00:00:00.000Z",
    ].map((iso) => new Date(iso));
    for (const locale of ["en", "de", "ja", "ko", "ar"]) {
      const f = displayFormat(locale);
      const date = intl(locale, { dateStyle: "medium" });
      const dateTime = intl(locale, { dateStyle: "medium", timeStyle: "short" });
      // Twice over: the second pass reads what the first kept.
      for (let pass = 0; pass < 2; pass++) {
        for (const d of moments) {
          expect(f.date(d)).toBe(date.format(d));
          expect(f.dateTime(d)).toBe(dateTime.format(d));
        }
      }
    }
  });

  it("shows nothing for no date, and still refuses an invalid one", () => {
    const f = displayFormat("en");
    expect(f.date(null)).toBeNull();
    expect(f.dateTime(undefined)).toBeNull();
    expect(() => f.date(new Date(Number.NaN))).toThrow(RangeError);
  });

  it("stays right past the number of texts it keeps", () => {
    const f = displayFormat("fr");
    const date = intl("fr", { dateStyle: "medium" });
    const start = Date.UTC(2000, 0, 1);
    for (let day = 0; day < 5_000; day += 1) {
      const d = new Date(start + day * 86_400_000 + 3_600_000);
      expect(f.date(d)).toBe(date.format(d));
    }
  });
});
