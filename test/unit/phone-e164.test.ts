import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { toE164, vietnameseSubscriber } from "../../src/dossiers/event-schema.js";

describe("toE164", () => {
  it("gives a Vietnamese number in E.164 however it is spelled, and null for anything else, the same on every call (remembered answers included)", () => {
    const cases: [string, string | null][] = [
      ["0912345678", "+84912345678"],
      ["0912 345.678", "+84912345678"],
      ["+84 (91) 234-5678", "+84912345678"],
      ["84912345678", "+84912345678"],
      ["02773123456", "+842773123456"],
      ["+842773123456", "+842773123456"],
      ["12345", null],
      ["+14155552671", null], // a valid number, but not Vietnamese
      ["0900000000000", null],
      ["0123456789", null],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [raw, e164] of cases) expect(toE164(raw), `${raw} (call ${round + 1})`).toBe(e164);
    }
  });

  it("its short cut for the usual spellings answers what the library's parse answers, for every three-digit prefix of both lengths and spellings", () => {
    const parse = (compact: string) => {
      const p = parsePhoneNumberFromString(compact, "VN");
      return p?.isValid() && p.country === "VN" ? p.number : null;
    };
    let taken = 0;
    let seed = 7;
    const digits = (n: number) => {
      let out = "";
      for (let i = 0; i < n; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        out += String(seed % 10);
      }
      return out;
    };
    const differ: string[] = [];
    for (let prefix = 0; prefix < 1000; prefix++) {
      for (const length of [9, 10]) {
        for (let k = 0; k < 4; k++) {
          const national = String(prefix).padStart(3, "0") + digits(length - 3);
          for (const spelling of [`0${national}`, `+84${national}`]) {
            const fast = vietnameseSubscriber(spelling);
            if (fast === null) continue;
            taken += 1;
            if (fast !== parse(spelling)) differ.push(spelling);
          }
        }
      }
    }
    expect(differ).toEqual([]);
    // It does take the usual numbers (mobile and fixed-line prefixes).
    expect(taken).toBeGreaterThan(500);
    expect(vietnameseSubscriber("84912345678")).toBeNull(); // another spelling: left to the parse
  });
});
