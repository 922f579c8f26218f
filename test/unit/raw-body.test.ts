import { describe, expect, it } from "vitest";
import { jsonDeeperThan, unsafeJsonTextAt, unsafeTextAt } from "../../src/http/raw-body.js";

/** The depth check as first written (a loop over every character): the reference. */
function deeperThanReference(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** A small deterministic generator (the same cases on every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const PIECES = ["[", "]", "{", "}", '"', "\\", "\\\\", '\\"', "a", ":", ",", "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "😀", "ễ", "\u0000", "\ud800", " "];

describe("the JSON body checks", () => {
  it("jsonDeeperThan answers as the character-by-character scan on text of every shape (brackets in strings, escaped quotes, backslash runs, unclosed strings)", () => {
    const next = random(7);
    for (let n = 0; n < 5_000; n++) {
      const length = Math.floor(next() * 40);
      let text = "";
      for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)]!;
      for (const max of [0, 1, 2, 3, 64]) expect([text, max, jsonDeeperThan(text, max)]).toEqual([text, max, deeperThanReference(text, max)]);
    }
    const deep = `${"[".repeat(65)}${"]".repeat(65)}`;
    expect([jsonDeeperThan(deep, 64), jsonDeeperThan(`["${"[".repeat(100)}"]`, 64), jsonDeeperThan(`["\\\\${"[".repeat(100)}"]`, 64)]).toEqual([true, false, false]);
  });

  it("unsafeJsonTextAt finds what the walk finds in the value parsed from the text (NUL and lone surrogates escaped or raw, pairs, keys)", () => {
    const strings = ["plain", "Nguyễn Văn An", "a\u0000b", "\ud800", "x\udc00", "😀", "\ud83d\ude00", 'quote " and \\ backslash', "\n\t"];
    const values: unknown[] = [];
    for (const s of strings) values.push(s, { note: s }, { events: [{ a: 1 }, { applicant: { fullName: s } }] }, { [s]: true }, [null, 1, s]);
    const next = random(11);
    for (let n = 0; n < 2_000; n++) {
      const event: Record<string, unknown> = {};
      for (let k = 0; k < 4; k++) event[`k${k}`] = strings[Math.floor(next() * strings.length)];
      values.push({ events: [event, { ...event }] });
    }
    for (const value of values) {
      // As senders write them: JSON.stringify escapes a NUL and a lone surrogate, keeps the rest as is…
      const spellings = [JSON.stringify(value)];
      // …and some (ASCII-only encoders) escape every character outside ASCII.
      spellings.push(spellings[0]!.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
      for (const text of spellings) {
        const parsed: unknown = JSON.parse(text);
        expect([text, unsafeJsonTextAt(text, parsed)]).toEqual([text, unsafeTextAt(parsed, "")]);
      }
    }
    // A raw lone surrogate in the text (not from UTF-8) is walked and found too.
    expect(unsafeJsonTextAt('{"a":"\ud800"}', { a: "\ud800" })).toBe("a");
  });
});
