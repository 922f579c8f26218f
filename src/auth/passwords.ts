/**
 * Staff passwords: argon2id hashes (@node-rs/argon2, its defaults: 19 MiB, 2 passes — OWASP's
 * minimum for argon2id), one-time passwords for `staff create` / `staff reset-password`, and the
 * policy a new password must meet. The policy is pure, so it is tested without a database.
 */
import { randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** Algorithm.Argon2id (a const enum in the package's types, so written out here). */
const ARGON2ID = 2;

export const PASSWORD_MIN_LENGTH = 10;
/** argon2 takes any length; a bound keeps one request from costing more than any other. */
export const PASSWORD_MAX_LENGTH = 200;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash is a wrong password, never a 500
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time a real verification would, for an unknown or disabled user, so the answer's
 * timing does not tell which usernames exist.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword("motcua-not-a-password-at-all");
  await verifyPassword(await dummy, password);
  return false;
}

/** No 0/O, 1/l/I: read aloud or copied from paper without doubt. */
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** A one-time password such as `k7mq-x2rt-p9wd` (12 random characters of 31: about 59 bits). */
export function generateOneTimePassword(): string {
  const group = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return `${group()}-${group()}-${group()}`;
}

/** Passwords seen first in every guessing list; compared without case, spaces or punctuation. */
const COMMON = new Set(
  [
    "1234567890",
    "12345678910",
    "0123456789",
    "1234512345",
    "0987654321",
    "password123",
    "password1234",
    "matkhau123",
    "matkhau1234",
    "matkhaumoi",
    "motcua123",
    "motcua2025",
    "motcua2026",
    "qwertyuiop",
    "123456789a",
    "abc1234567",
    "abcd123456",
    "admin12345",
    "iloveyou123",
    "vietnam123",
    "1qaz2wsx3edc",
    "qwerty12345",
  ].map((p) => p.replace(/[^a-z0-9]/g, "")),
);

/**
 * Words that head guessing lists and are padded with a year or a few digits ("password12",
 * "Motcua@2026", "p@ssw0rd!"): a password that is one of them plus trailing digits or punctuation
 * is as common as the listed ones. Compared after the tail is cut and the usual letter-for-symbol
 * swaps are undone (@ a, 0 o, 1 i, 3 e, $ s).
 */
const COMMON_STEMS = new Set([
  "password", "passwd", "matkhau", "motcua", "admin", "administrator", "qwerty", "qwertyuiop", "asdfgh", "iloveyou",
  "vietnam", "abc", "abcd", "abcde", "abcdef", "welcome", "letmein", "hello", "xinchao", "anhyeuem", "emyeuanh",
]);
const LEET: Record<string, string> = { "@": "a", "0": "o", "1": "i", "3": "e", $: "s" };

function isCommon(lower: string): boolean {
  if (COMMON.has(lower.replace(/[^a-z0-9]/g, ""))) return true;
  const stem = lower
    .replace(/[^a-z]+$/, "")
    .replace(/[^a-z0-9@$]/g, "")
    .replace(/[@$013]/g, (c) => LEET[c]!);
  return COMMON_STEMS.has(stem);
}

export interface PasswordContext {
  username: string;
  /** The password in use now (the one-time one on a first sign-in): the new one must differ. */
  current?: string;
}

/**
 * What is wrong with a proposed new password, in Vietnamese with the English beside it; empty
 * when it may be used.
 */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push(`Mật khẩu mới phải có ít nhất ${PASSWORD_MIN_LENGTH} ký tự (at least ${PASSWORD_MIN_LENGTH} characters).`);
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push(`Mật khẩu mới dài quá ${PASSWORD_MAX_LENGTH} ký tự (at most ${PASSWORD_MAX_LENGTH} characters).`);
  if (password.trim() !== password) problems.push("Mật khẩu mới không được bắt đầu hoặc kết thúc bằng khoảng trắng (no leading or trailing spaces).");
  const lower = password.toLowerCase();
  const username = context.username.trim().toLowerCase();
  if (username && (lower === username || lower.includes(username) && username.length >= 4 && chars.length - username.length < 4)) {
    problems.push("Mật khẩu mới không được là tên đăng nhập (must not be the username).");
  }
  if (context.current !== undefined && password === context.current) problems.push("Mật khẩu mới phải khác mật khẩu hiện tại (must differ from the current one).");
  if (chars.length > 0 && new Set(chars).size <= 2) problems.push("Mật khẩu mới quá dễ đoán: toàn một hai ký tự lặp lại (too easy to guess).");
  else if (isCommon(lower)) problems.push("Mật khẩu mới quá phổ biến, dễ bị đoán (too common).");
  return problems;
}

/** The path to go to after signing in: a local path only (never another site), else `fallback`. */
export function safeNextPath(next: unknown, fallback = "/staff"): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2000) return fallback;
  // Only "/something": not "//host", not "/\host" (browsers read a backslash as a slash), no control characters.
  if (!next.startsWith("/") || next.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, "http://motcua.invalid");
  } catch {
    return fallback;
  }
  if (url.origin !== "http://motcua.invalid") return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can resolve to "//host" ("/..//evil"): a browser reads that as another site.
  if (path.startsWith("//")) return fallback;
  // Back to the sign-in page would only ask again.
  if (url.pathname === "/staff/login" || url.pathname.startsWith("/staff/login/")) return fallback;
  return path;
}
