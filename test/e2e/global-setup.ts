import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Builds the app once into .cache/ (as test/setup/global-setup.ts does for vitest). */
/**
 * Debian's Chromium on a bare CI machine has no Hangul or CJK font, so Korean text would render as
 * boxes, unlike on any phone. The browser gets the Noto Sans KR the invoice PDFs already embed
 * (an npm package) through a fontconfig file that adds it to the system fonts.
 */
function hangulFontConfig(cache: string) {
  const fonts = path.resolve(import.meta.dirname, "../../node_modules/@expo-google-fonts/noto-sans-kr");
  const file = path.join(cache, "e2e-fonts.conf");
  const dirs = ["400Regular", "700Bold"].map((w) => `  <dir>${path.join(fonts, w)}</dir>`).join("\n");
  // Written aside and renamed into place: a run starting beside this one never reads half a file.
  const partial = `${file}.${process.pid}`;
  fs.writeFileSync(
    partial,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n${dirs}\n  <cachedir>${path.join(cache, "fontconfig")}</cachedir>\n</fontconfig>\n`,
  );
  fs.renameSync(partial, file);
  process.env.FONTCONFIG_FILE = file;
}

export default function globalSetup() {
  const cache = path.resolve(import.meta.dirname, "../../.cache");
  fs.mkdirSync(cache, { recursive: true });
  hangulFontConfig(cache);
  // A build given from outside (PORTICO_TEST_BUILD_DIR) is used as it is.
  if (process.env.PORTICO_TEST_BUILD_DIR) return undefined;
  const buildDir = fs.mkdtempSync(path.join(cache, "e2e-build-"));
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, "../../app/cli/build.mjs")], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PORTICO_BUILD_DIR: buildDir, NODE_ENV: "production" },
  });
  process.env.PORTICO_TEST_BUILD_DIR = buildDir;
  return () => fs.rmSync(buildDir, { recursive: true, force: true });
}
