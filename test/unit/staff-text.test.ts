/** Text staff read on the console and the printed slip is Vietnamese only. */
import { describe, expect, it } from "vitest";
import { handOverRule } from "../../src/bookings/booking-service.js";

const ENGLISH = /\b(the|only|of|and|on|check|hand|over|sight|when|ID|mandate|applicant|recipient)\b/;

describe("the post office's hand-over rule", () => {
  it("is said in Vietnamese only, for every kind of booking and recipient", () => {
    const rules = [handOverRule("DOSSIER_COLLECTION", true), handOverRule("RESULT_DELIVERY", true), handOverRule("RESULT_DELIVERY", false)];
    for (const rule of rules) {
      expect(rule).not.toMatch(ENGLISH);
      expect(rule).toMatch(/CCCD/);
    }
    expect(rules[2]).toMatch(/giấy ủy quyền/);
  });
});
