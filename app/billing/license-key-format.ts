/**
 * License keys: 5 groups of 5 characters from a 32-letter alphabet without look-alikes
 * (no 0/O, 1/I): 25 × 5 = 125 bits of entropy, readable over the phone.
 */
export const LICENSE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const LICENSE_GROUPS = 5;
export const LICENSE_GROUP_LENGTH = 5;

/** Builds a key from random bytes (one byte per character; 256 is a multiple of 32, so no bias). */
export function formatLicenseKey(bytes: Uint8Array): string {
  const needed = LICENSE_GROUPS * LICENSE_GROUP_LENGTH;
  if (bytes.length < needed) throw new RangeError(`need ${needed} random bytes`);
  const chars = Array.from(bytes.subarray(0, needed), (b) => LICENSE_ALPHABET[b % 32]);
  const groups: string[] = [];
  for (let i = 0; i < LICENSE_GROUPS; i++) groups.push(chars.slice(i * LICENSE_GROUP_LENGTH, (i + 1) * LICENSE_GROUP_LENGTH).join(""));
  return groups.join("-");
}

export const licenseKeyEntropyBits = () => LICENSE_GROUPS * LICENSE_GROUP_LENGTH * Math.log2(LICENSE_ALPHABET.length);
