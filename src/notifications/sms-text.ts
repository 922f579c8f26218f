/**
 * SMS text: Vietnamese without diacritics (every mark stripped, đ→d), other characters that
 * would force UCS-2 replaced by GSM-7 look-alikes, and exact segment counting.
 *
 * GSM-7: 160 septets in one part, 153 per part when concatenated; characters of the extension
 * table (^ { } \ [ ~ ] | €) take two septets. Any other character forces UCS-2: 70 UTF-16 units
 * in one part, 67 per part.
 */
import { stripDiacritics } from "../text/vietnamese.js";

const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "^{}\\[~]|€\f";
const basic = new Set(Array.from(GSM_BASIC));
const extension = new Set(Array.from(GSM_EXTENSION));

const LOOKALIKES: Record<string, string> = {
  "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2026": "...",
  "\u00a0": " ", "\t": " ", "\u2022": "-", "\u00b7": "-", "\u00ba": "o", "\u00b0": "o",
};

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

export function countSegments(text: string): SegmentCount {
  if (text.length === 0) return { encoding: "GSM-7", units: 0, segments: 0 };
  if (isGsm7(text)) {
    let units = 0;
    for (const ch of text) units += extension.has(ch) ? 2 : 1;
    return { encoding: "GSM-7", units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length; // UTF-16 code units
  return { encoding: "UCS-2", units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** Vietnamese → plain GSM-7 text: marks stripped (ệ → e), đ → d, typographic characters replaced. */
export function toSmsText(text: string): string {
  const plain = stripDiacritics(text.normalize("NFC"));
  let out = "";
  for (const ch of plain) {
    if (basic.has(ch) || extension.has(ch)) out += ch;
    else if (LOOKALIKES[ch] !== undefined) out += LOOKALIKES[ch];
    else if (/\s/u.test(ch)) out += " ";
    // Anything else (emoji, other scripts) is dropped: it would force UCS-2 and triple the cost.
  }
  return out.replace(/ {2,}/g, " ").trim();
}

function septets(text: string): number {
  let units = 0;
  for (const ch of text) units += extension.has(ch) ? 2 : 1;
  return units;
}

/**
 * Builds an SMS within `budget` GSM-7 segments: `head` and `tail` are kept whole, `middle`
 * (a free-text note, or a bot's answer) is shortened at a word boundary with "..." when needed, or
 * dropped; `cut` (where to read the whole) is said before the tail only when the middle was.
 */
export function fitSms(parts: { head: string; middle?: string; tail?: string; cut?: string }, budget: number): string {
  const head = toSmsText(parts.head);
  const middle = parts.middle ? toSmsText(parts.middle) : "";
  const capacity = budget <= 1 ? 160 : budget * 153;
  const whole = [head, middle, parts.tail ? toSmsText(parts.tail) : ""].filter((s) => s !== "").join(" ");
  if (septets(whole) <= capacity) return whole;
  const tail = [parts.cut, parts.tail].filter((s): s is string => !!s).map(toSmsText).join(" ");
  const join = (m: string) => [head, m, tail].filter((s) => s !== "").join(" ");
  const room = capacity - septets(join("")) - 1 - 3; // a space and "..."
  if (room >= 10) {
    let cut = "";
    for (const word of middle.split(" ")) {
      const next = cut ? `${cut} ${word}` : word;
      if (septets(next) > room) break;
      cut = next;
    }
    if (cut) return join(`${cut.replace(/[.,;:]+$/, "")}...`);
  }
  const withoutMiddle = join("");
  if (septets(withoutMiddle) <= capacity) return withoutMiddle;
  // The fixed parts alone are too long: cut hard (never expected with the built-in texts).
  let out = "";
  for (const ch of withoutMiddle) {
    if (septets(out + ch) > capacity - 3) break;
    out += ch;
  }
  return `${out}...`;
}
