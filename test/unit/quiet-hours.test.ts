import { describe, expect, it } from "vitest";
import { inQuietHours, quietHoursEnd } from "../../src/notifications/quiet-hours.js";

const window = { startMinute: 22 * 60, endMinute: 6 * 60 };
const ict = (hhmm: string, day = "2026-11-24") => new Date(`${day}T${hhmm}:00+07:00`);

describe("quiet hours (Asia/Ho_Chi_Minh)", () => {
  it("knows the window across midnight", () => {
    expect(inQuietHours(ict("21:59"), window)).toBe(false);
    expect(inQuietHours(ict("22:00"), window)).toBe(true);
    expect(inQuietHours(ict("03:00"), window)).toBe(true);
    expect(inQuietHours(ict("05:59"), window)).toBe(true);
    expect(inQuietHours(ict("06:00"), window)).toBe(false);
    expect(inQuietHours(ict("03:00"), null)).toBe(false);
  });

  it("sends held messages at 06:00 local time", () => {
    expect(quietHoursEnd(ict("23:30"), window).toISOString()).toBe(ict("06:00", "2026-11-25").toISOString());
    expect(quietHoursEnd(ict("01:15"), window).toISOString()).toBe(ict("06:00").toISOString());
    expect(quietHoursEnd(ict("12:00"), window).toISOString()).toBe(ict("12:00").toISOString());
  });

  it("handles a window within one day", () => {
    const lunch = { startMinute: 12 * 60, endMinute: 13 * 60 + 30 };
    expect(inQuietHours(ict("12:45"), lunch)).toBe(true);
    expect(quietHoursEnd(ict("12:45"), lunch).toISOString()).toBe(ict("13:30").toISOString());
  });
});
