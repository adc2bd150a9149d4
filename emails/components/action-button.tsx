import { Button } from "@react-email/button";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";

export function ActionButton({ href, label, color }: { href: string; label: string; color: string | null }) {
  return (
    <Section style={{ margin: "24px 0" }}>
      <Button
        href={href}
        style={{ backgroundColor: color ?? "#4f46e5", color: "#ffffff", borderRadius: 8, padding: "12px 20px", fontWeight: 600, fontSize: 15 }}
      >
        {label}
      </Button>
    </Section>
  );
}

/** The one-time code, spaced for reading aloud and easy to select. */
export function CodeBox({ code }: { code: string }) {
  return (
    <Text
      style={{
        fontFamily: "ui-monospace, Menlo, Consolas, monospace",
        fontSize: 28,
        letterSpacing: "6px",
        fontWeight: 700,
        backgroundColor: "#f3f4f6",
        borderRadius: 8,
        padding: "12px 16px",
        textAlign: "center",
      }}
    >
      {code}
    </Text>
  );
}
