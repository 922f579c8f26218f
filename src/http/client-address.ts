/**
 * The key a client is counted under by every per-client limit (chat requests, wrong look-up
 * proofs, one-time codes, failed authentications). An IPv4 address is itself; an IPv6 address is
 * its /64 network, the block one subscriber or machine is normally given, so one attacker cannot
 * become millions of "clients" by walking the addresses of a single /64.
 */
import { isIPv4, isIPv6 } from "node:net";

function expandIPv6(ip: string): string[] | null {
  const [head = "", tail] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const last = right.length ? right : left;
  if (last.length && isIPv4(last[last.length - 1]!)) {
    const v4 = last.pop()!.split(".").map(Number);
    last.push(((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16));
  }
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 0) return null;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right].map((g) => g.toLowerCase().padStart(4, "0"));
}

export function clientKey(ip: string): string {
  const address = ip.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const groups = expandIPv6(address);
  if (!groups) return address;
  // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 address.
  if (groups.slice(0, 5).every((g) => g === "0000") && groups[5] === "ffff") {
    const a = parseInt(groups[6]!, 16);
    const b = parseInt(groups[7]!, 16);
    return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  return `${groups.slice(0, 4).join(":")}::/64`;
}
