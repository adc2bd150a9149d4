import { describe, expect, it } from "vitest";
import { assertPublicHost, isForbiddenAddress } from "./ssrf.server";

describe("isForbiddenAddress", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.255.0.9", true],
    ["0.0.0.0", true],
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["172.32.0.1", false],
    ["192.168.1.1", true],
    ["100.64.0.1", true],
    ["169.254.169.254", true],
    ["224.0.0.1", true],
    ["255.255.255.255", true],
    ["8.8.8.8", false],
    ["93.184.216.34", false],
    ["::1", true],
    ["::", true],
    ["fe80::1", true],
    ["fd00:ec2::254", true],
    ["fc00::1", true],
    ["ff02::1", true],
    ["::ffff:127.0.0.1", true],
    ["::ffff:7f00:1", true],
    ["::ffff:169.254.169.254", true],
    ["::ffff:8.8.8.8", false],
    ["64:ff9b::10.0.0.1", true],
    // Local-use NAT64 (RFC 8215), whatever it embeds.
    ["64:ff9b:1::a00:1", true],
    ["64:ff9b:1::808:808", true],
    ["64:ff9b:1:ffff:ffff:ffff:ffff:ffff", true],
    ["64:ff9b:2::1", false],
    ["2002:c0a8:0101::1", true],
    ["2606:4700:4700::1111", false],
    ["2001:4860:4860::8888", false],
    ["fe80::1%eth0", true],
    ["not-an-ip", true],
  ])("%s → %s", (ip, expected) => {
    expect(isForbiddenAddress(ip)).toBe(expected);
  });
});

describe("assertPublicHost", () => {
  it.each(["127.0.0.1", "[::1]", "localhost", "169.254.169.254"])("refuses %s", async (host) => {
    await expect(assertPublicHost(host)).rejects.toThrow(/private or reserved/);
  });

  it("accepts a public IP literal without a lookup", async () => {
    await expect(assertPublicHost("8.8.8.8")).resolves.toEqual(["8.8.8.8"]);
  });
});
