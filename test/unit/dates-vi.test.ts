import { describe, expect, it } from "vitest";
import { dayKeyVi, formatDateVi } from "../../src/text/dates.js";

const icu = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });

describe("formatDateVi", () => {
  it("answers as Intl in Asia/Ho_Chi_Minh for every instant, around Vietnam's midnights included, before 1975 too", () => {
    const instants: number[] = [];
    // Every hour and the minutes around 17:00 UTC (midnight in Vietnam) over some days, both sides of 1975's change to +07.
    for (const start of [Date.UTC(1975, 5, 10), Date.UTC(1999, 11, 30), Date.UTC(2026, 11, 1), Date.UTC(2099, 11, 30)]) {
      for (let h = 0; h < 24 * 6; h++) instants.push(start + h * 3_600_000);
      for (let d = 0; d < 6; d++) for (const ms of [-60_001, -1, 0, 1, 60_000]) instants.push(start + d * 86_400_000 + 17 * 3_600_000 + ms);
    }
    let s = 3;
    for (let n = 0; n < 5_000; n++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      instants.push(Date.UTC(1900, 0, 1) + Math.floor((s / 2147483648) * (Date.UTC(2150, 0, 1) - Date.UTC(1900, 0, 1))));
    }
    for (const t of instants) {
      const expected = icu.format(new Date(t));
      const [d, m, y] = expected.split("/");
      expect([new Date(t).toISOString(), formatDateVi(new Date(t)), dayKeyVi(new Date(t))]).toEqual([new Date(t).toISOString(), expected, `${y}-${m}-${d}`]);
    }
    expect(() => formatDateVi(new Date(NaN))).toThrow(RangeError);
  });
});
