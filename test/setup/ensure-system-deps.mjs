// `npm test` runs this first: the browser tests need Debian's Chromium (and a CJK font for
// readable Korean screenshots) and the PDF tests need pdftotext (poppler-utils). As root with
// apt-get (CI, these machines) they are installed when missing; otherwise it says what to
// install and stops.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const needed = [
  { bin: "/usr/bin/chromium", pkg: "chromium" },
  { bin: "/usr/bin/pdftotext", pkg: "poppler-utils" },
  // Hangul and CJK glyphs for Chromium, so screenshots of the Korean UI show text, not boxes.
  { bin: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", pkg: "fonts-noto-cjk" },
];
const missing = needed.filter((n) => !existsSync(n.bin)).map((n) => n.pkg);
if (missing.length > 0) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !existsSync("/usr/bin/apt-get")) {
    console.error(`Missing system packages for the tests: ${missing.join(" ")}.\nInstall them (e.g. sudo apt-get install -y ${missing.join(" ")}) and run npm test again.`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(" ")} with apt-get…`);
  execSync("apt-get update -qq", { stdio: "inherit" });
  execSync(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(" ")}`, { stdio: "inherit" });
}
