/**
 * `npx tsx test/bench/i18n-t.ts`: the cost of one `t()` call, i18next 25's own fixed t (what
 * react-i18next's useTranslation returned before issue 13's change) against the app's per-locale t
 * (app/i18n/index.ts), on the same keys in one process, alternating rounds. A portal page calls
 * t ≈ 200 times; the mix is 92 % plain keys and 8 % with interpolation options. CPU time (user +
 * system) per call, the median of 5 rounds.
 */
import i18next from "i18next";
import { en } from "~/i18n/en";
import { getI18n } from "~/i18n/index";
import { ko } from "~/i18n/ko";

function leafKeys(tree: object, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === "string" ? [`${prefix}${key}`] : leafKeys(value as object, `${prefix}${key}.`)));
}
const keys = leafKeys(en).filter((k) => !k.startsWith("dash.")).slice(0, 180);
const interpolated = leafKeys(en).filter((k) => (k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], en) as string).includes("{{")).slice(0, 30);
const options = { merchant: "Acme", count: 2, amount: "₩10,000", date: "2026-01-02" };

const plain = i18next.createInstance();
void plain.init({ lng: "ko", fallbackLng: "en", resources: { en: { translation: en }, ko: { translation: ko } }, interpolation: { escapeValue: false }, initAsync: false, returnNull: false, showSupportNotice: false });

type T = (key: string, opts?: object) => unknown;
// As useTranslation does: a fixed t asked for on every render, then called.
const before = () => plain.getFixedT(null, "translation") as unknown as T;
const direct = () => ((key: string, opts?: Record<string, unknown>) => (opts ? plain.t(key, opts) : plain.t(key))) as T; // no copy, no memo
const after = () => getI18n("ko").getFixedT(null, "translation") as unknown as T;

function page(getT: () => T) {
  let n = 0;
  for (let render = 0; render < 20; render++) {
    const t = getT();
    for (let i = 0; i < 9; i++) n += String(t(keys[(render * 9 + i) % keys.length])).length;
    if (render < 15) n += String(t(interpolated[render % interpolated.length], options)).length;
  }
  return n; // 195 calls
}

function time(getT: () => T, pages: number) {
  // CPU time, not wall time: the machine is shared, and waiting for a core is not the code's cost.
  const start = process.cpuUsage();
  let sink = 0;
  for (let p = 0; p < pages; p++) sink += page(getT);
  const used = process.cpuUsage(start);
  const ns = (used.user + used.system) * 1000;
  if (sink === 0) throw new Error("nothing translated");
  return ns / pages / 195;
}

const PAGES = Number(process.argv[2] ?? 2000);
time(before, 200);
time(after, 200); // warm both
const rounds: { before: number; direct: number; after: number }[] = [];
for (let r = 0; r < 5; r++) rounds.push({ before: time(before, PAGES), direct: time(direct, PAGES), after: time(after, PAGES) });
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const b = median(rounds.map((r) => r.before));
const a = median(rounds.map((r) => r.after));
const d = median(rounds.map((r) => r.direct));
console.log(`keys: ${keys.length} plain, ${interpolated.length} interpolated; ${PAGES} pages of 195 calls × 5 rounds (median)`);
console.log(`i18next fixed t: ${(b / 1000).toFixed(2)} µs/call, ${((b * 195) / 1e6).toFixed(3)} ms per page`);
console.log(`instance t:      ${(d / 1000).toFixed(2)} µs/call, ${((d * 195) / 1e6).toFixed(3)} ms per page (no copy, nothing remembered)`);
console.log(`app t:           ${(a / 1000).toFixed(2)} µs/call, ${((a * 195) / 1e6).toFixed(3)} ms per page`);
console.log(`ratio: ${(b / a).toFixed(1)}× faster`);
