/**
 * Masking of personal data in logs: phone numbers and people's names never reach a log line whole.
 */

// Vietnamese mobile/landline numbers in 0…, 84… or +84… form, with optional spaces/dots/dashes,
// also glued to letters ("sdt0912345678"). Not inside codes such as H15.50.05.13-261008-0975
// (no digit, dot or dash joined to it).
const PHONE_IN_TEXT = /(?<![\d+.-])(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d|[.-]\d)/g;

/** "+84912345678" → "+84912***678"; keeps the first 3 and last 3 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 7) return "***";
  const prefix = phone.trim().startsWith("+") ? "+" : "";
  return `${prefix}${digits.slice(0, digits.length >= 11 ? 5 : 3)}***${digits.slice(-3)}`;
}

/** "Nguyễn Văn An" → "N*** V*** A***": the initials only. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .map((word) => `${Array.from(word)[0] ?? ""}***`)
    .join(" ");
}

export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (match) => maskPhone(match));
}

/**
 * A request URL as the log keeps it: the path, decoded and with phones masked, and the names of
 * the query parameters without their values ("/api/v1/procedures?q=…&limit=…").
 */
export function routeForLog(url: string): string {
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath; // a stray % escape: masked as sent
  }
  path = maskPhonesInText(path).replace(/[\u0000-\u001f\u007f]/g, "?");
  if (q === -1) return path;
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()].map((k) => maskPhonesInText(k).replace(/[^\p{L}\p{N}_.\-[\]]/gu, "").slice(0, 40));
  return `${path}?${names.map((k) => `${k}=…`).join("&")}`;
}

const PHONE_KEY = /phone|msisdn|^to$|^from$|recipient$/i;
const NAME_KEY = /(^|_)(full_?name|name_?of|display_?name|recipient_?name|applicant_?name|customer_?name)$|^fullName$|^displayName$|^recipientName$/i;

/** Deep copy of a log object with phones and names masked (keys by name, phones also inside any text). */
export function maskPersonalData(value: unknown, key = "", depth = 0): unknown {
  if (depth > 8) return "[depth]";
  if (typeof value === "string") {
    if (NAME_KEY.test(key)) return maskName(value);
    if (PHONE_KEY.test(key)) return maskPhone(value);
    return maskPhonesInText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, key, depth + 1));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    if (value instanceof Error) {
      return { type: value.name, message: maskPhonesInText(value.message), stack: value.stack ? maskPhonesInText(value.stack) : undefined, code: (value as { code?: unknown }).code };
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value; // requests, responses…: left to pino's serializers
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskPersonalData(v, k, depth + 1);
    return out;
  }
  return value;
}
