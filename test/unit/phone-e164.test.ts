import { describe, expect, it } from "vitest";
import { toE164 } from "../../src/dossiers/event-schema.js";

describe("toE164", () => {
  it("gives a Vietnamese number in E.164 however it is spelled, and null for anything else, the same on every call (remembered answers included)", () => {
    const cases: [string, string | null][] = [
      ["0912345678", "+84912345678"],
      ["0912 345.678", "+84912345678"],
      ["+84 (91) 234-5678", "+84912345678"],
      ["84912345678", "+84912345678"],
      ["12345", null],
      ["+14155552671", null], // a valid number, but not Vietnamese
      ["0900000000000", null],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [raw, e164] of cases) expect(toE164(raw), `${raw} (call ${round + 1})`).toBe(e164);
    }
  });
});
