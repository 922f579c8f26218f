import { createHash, timingSafeEqual } from "node:crypto";

/** Zalo's X-ZEvent-Signature: "mac=" + sha256_hex(appId + rawBody + timestamp + oaSecretKey). */
export function zaloSignature(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return `mac=${createHash("sha256").update(appId + rawBody + timestamp + oaSecretKey).digest("hex")}`;
}

export function verifyZaloSignature(header: string | undefined, appId: string, rawBody: string, timestamp: string, oaSecretKey: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(zaloSignature(appId, rawBody, timestamp, oaSecretKey));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
