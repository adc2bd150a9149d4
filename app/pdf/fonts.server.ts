import path from "node:path";
import { Font } from "@react-pdf/renderer";

/**
 * Noto Sans covers Latin (accented), Greek, Cyrillic and currency signs such as ₹ ₩ €; Noto Sans KR
 * covers Hangul, kana and the CJK ideographs. react-pdf tries the families in order per glyph and
 * embeds only the glyphs used (subsetting), so a 6 MB CJK font adds a few kilobytes to a PDF.
 */
export const INVOICE_FONT_STACK = ["Noto Sans", "Noto Sans KR"];

// From the project root: the server bundle runs from build/, the tests from the sources.
const fontFile = (pkg: string, weight: string, file: string) =>
  path.join(process.cwd(), "node_modules/@expo-google-fonts", pkg, weight, file);

const CJK = /[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

let registered = false;

export function registerInvoiceFonts() {
  if (registered) return;
  registered = true;
  Font.register({
    family: "Noto Sans",
    fonts: [
      { src: fontFile("noto-sans", "400Regular", "NotoSans_400Regular.ttf"), fontWeight: 400 },
      { src: fontFile("noto-sans", "700Bold", "NotoSans_700Bold.ttf"), fontWeight: 700 },
    ],
  });
  Font.register({
    family: "Noto Sans KR",
    fonts: [
      { src: fontFile("noto-sans-kr", "400Regular", "NotoSansKR_400Regular.ttf"), fontWeight: 400 },
      { src: fontFile("noto-sans-kr", "700Bold", "NotoSansKR_700Bold.ttf"), fontWeight: 700 },
    ],
  });
  // English hyphenation rules would cut Hangul and CJK words at meaningless points and add a "-".
  const callback = (word: string, builtin?: (w: string) => string[]) => (CJK.test(word) || !builtin ? [word] : builtin(word));
  Font.registerHyphenationCallback(callback as (word: string) => string[]);
}
