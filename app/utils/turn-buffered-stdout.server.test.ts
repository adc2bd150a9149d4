import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TurnBufferedStdout } from "./turn-buffered-stdout.server";
import { tempDir } from "../../test/setup/own-database";

const here = path.dirname(fileURLToPath(import.meta.url));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function tempFile() {
  const dir = tempDir("portico-log-");
  const file = path.join(dir, "out.log");
  const fd = fs.openSync(file, "a");
  return { file, fd, read: () => fs.readFileSync(file, "utf8"), close: () => fs.closeSync(fd) };
}

describe("TurnBufferedStdout", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes the lines of one turn with one write, in order, when the turn ends", async () => {
    const out = tempFile();
    const writes = vi.spyOn(fs, "writeSync");
    const dest = new TurnBufferedStdout(out.fd);
    dest.write('{"n":1}\n');
    dest.write('{"n":2,"s":"é 민지"}\n');
    dest.write('{"n":3}\n');
    expect(out.read()).toBe("");
    await nextTurn();
    expect(out.read()).toBe('{"n":1}\n{"n":2,"s":"é 민지"}\n{"n":3}\n');
    expect(writes.mock.calls.filter(([fd]) => fd === out.fd)).toHaveLength(1);

    // The next turn's lines are the next write, after the first ones.
    dest.write('{"n":4}\n');
    await nextTurn();
    expect(out.read().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([1, 2, 3, 4]);
    expect(writes.mock.calls.filter(([fd]) => fd === out.fd)).toHaveLength(2);
    dest.flush();
    out.close();
  });

  it("writes at once when the pending lines pass their bound", () => {
    const out = tempFile();
    const dest = new TurnBufferedStdout(out.fd, 100);
    dest.write(`${"a".repeat(60)}\n`);
    expect(out.read()).toBe("");
    dest.write(`${"b".repeat(60)}\n`);
    expect(out.read()).toBe(`${"a".repeat(60)}\n${"b".repeat(60)}\n`);
    out.close();
  });

  it("stops logging, without throwing, when its descriptor is gone", async () => {
    const out = tempFile();
    const dest = new TurnBufferedStdout(out.fd);
    out.close();
    dest.write("lost\n");
    expect(() => dest.flush()).not.toThrow();
    dest.write("also lost\n");
    await nextTurn();
  });

  // A process that ends before the turn does (process.exit, an uncaught error) still writes
  // every line it logged.
  it.each([
    ["process.exit", "process.exit(3);", 3],
    ["an uncaught error", 'throw new Error("boom");', 1],
  ])("writes what is pending when the process ends through %s", (_name, end, status) => {
    const script = `
      import { TurnBufferedStdout } from ${JSON.stringify(path.join(here, "turn-buffered-stdout.server.ts"))};
      const out = new TurnBufferedStdout(1);
      for (let i = 0; i < 1000; i++) out.write(JSON.stringify({ i }) + "\\n");
      ${end}
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(child.status).toBe(status);
    const lines = child.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1000);
    expect((JSON.parse(lines[999]!) as { i: number }).i).toBe(999);
  });
});
