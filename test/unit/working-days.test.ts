/** The working-day calculator and the holiday rule, against the 2026 (and 2027) calendar. */
import { describe, expect, it } from "vitest";
import { holidaysFor, hungKingsDay, lunarNewYear, nationalDayNeighbour, RULE_SOURCE_ADJACENT } from "../../src/calendar/holidays.js";
import { lateness } from "../../src/calendar/lateness.js";
import { startOfDay, WorkingCalendar } from "../../src/calendar/working-days.js";
import { latenessLabel } from "../../src/text/staff-vi.js";

const cal = new WorkingCalendar([...holidaysFor(2026), ...holidaysFor(2027)]);
const days = (year: number) => holidaysFor(year).map((d) => d.date);
/** 17:00 in Vietnam on a day (the desk's closing time, when an appointment falls due). */
const at17 = (day: string) => new Date(startOfDay(day).getTime() + 17 * 3600_000);
const atHour = (day: string, hour: number) => new Date(startOfDay(day).getTime() + hour * 3600_000);

describe("the holiday rule (Labour Code 2019, art. 112)", () => {
  it("computes the lunar holidays: Tết 2026 on 17/02, Tết 2027 on 06/02, Giỗ Tổ 2026 on 26/04", () => {
    expect(lunarNewYear(2026)).toBe("2026-02-17");
    expect(lunarNewYear(2027)).toBe("2027-02-06");
    expect(hungKingsDay(2026)).toBe("2026-04-26");
    expect(hungKingsDay(2027)).toBe("2027-04-16");
  });

  it("gives 2026: 1/1, Tết 16–20/02, Giỗ Tổ 26/04 with 27/04 off in its place, 30/4, 1/5, 2/9 and a day next to it", () => {
    expect(days(2026)).toEqual([
      "2026-01-01",
      "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
      "2026-04-26", "2026-04-27",
      "2026-04-30", "2026-05-01",
      "2026-09-01", "2026-09-02",
    ]);
    expect(holidaysFor(2026).find((d) => d.date === "2026-04-27")?.name).toBe("Nghỉ bù Giỗ Tổ Hùng Vương (Chủ nhật 26/04/2026)");
  });

  it("gives 2027 its compensatory days: Tết on a weekend (10–11/02), 1/5 on a Saturday (03/05)", () => {
    expect(days(2027)).toEqual([
      "2027-01-01",
      "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
      "2027-04-16",
      "2027-04-30", "2027-05-01", "2027-05-03",
      "2027-09-02", "2027-09-03",
    ]);
  });

  it("confirms only what the official notice gave (Tết 2026); the rest, and the day next to 2/9 always, are unconfirmed", () => {
    const y2026 = holidaysFor(2026);
    expect(y2026.filter((d) => d.confirmed).map((d) => d.date)).toEqual(["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"]);
    expect(holidaysFor(2027).some((d) => d.confirmed)).toBe(false);
    const neighbour = y2026.find((d) => d.date === "2026-09-01")!;
    expect(neighbour).toMatchObject({ confirmed: false, source: RULE_SOURCE_ADJACENT });
    expect(neighbour.name).toMatch(/chưa xác nhận/);
    for (const d of holidaysFor(2027)) expect(d.source).toMatch(/Điều 112 Bộ luật Lao động 2019/);
  });

  it("puts the day next to 2/9 on the side of the nearer weekend", () => {
    expect(nationalDayNeighbour(2024)).toBe("2024-09-03"); // Monday → Tuesday (as decided in 2024)
    expect(nationalDayNeighbour(2025)).toBe("2025-09-01"); // Tuesday → Monday (as decided in 2025)
    expect(nationalDayNeighbour(2023)).toBe("2023-09-01"); // Saturday → Friday (as decided in 2023)
    expect(nationalDayNeighbour(2027)).toBe("2027-09-03"); // Thursday → Friday
  });

  it("refuses a year it cannot compute", () => {
    expect(() => holidaysFor(9999)).toThrow(RangeError);
    expect(() => holidaysFor(2026.5)).toThrow(RangeError);
  });
});

describe("working days in 2026", () => {
  it("skips Tết: a day after Friday 13/02 is Monday 23/02", () => {
    expect(cal.isWorkingDay("2026-02-13")).toBe(true);
    for (const d of ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"]) expect(cal.isWorkingDay(d)).toBe(false);
    expect(cal.addWorkingDays("2026-02-13", 1)).toBe("2026-02-23");
    expect(cal.addWorkingDays("2026-02-12", 3)).toBe("2026-02-24");
    expect(cal.nextWorkingDay("2026-02-17")).toBe("2026-02-23");
  });

  it("skips the compensatory Monday 27/04, then 30/4 and 1/5", () => {
    expect(cal.isWorkingDay("2026-04-27")).toBe(false);
    expect(cal.addWorkingDays("2026-04-24", 1)).toBe("2026-04-28");
    expect(cal.addWorkingDays("2026-04-24", 2)).toBe("2026-04-29");
    expect(cal.addWorkingDays("2026-04-24", 3)).toBe("2026-05-04");
  });

  it("skips weekends, and starts from the next working day when the first day is not one", () => {
    expect(cal.addWorkingDays("2026-11-27", 1)).toBe("2026-11-30"); // Friday → Monday
    expect(cal.addWorkingDays("2026-11-28", 0)).toBe("2026-11-30"); // Saturday, 0 days → Monday
    expect(cal.addWorkingDays("2026-11-25", 0)).toBe("2026-11-25");
    expect(cal.addWorkingDays(at17("2026-11-27"), 2)).toBe("2026-12-01");
    expect(() => cal.addWorkingDays("2026-11-27", -1)).toThrow(RangeError);
  });

  it("counts working days between two days (after the first, up to the second)", () => {
    expect(cal.workingDaysBetween("2026-04-24", "2026-05-05")).toBe(4); // 28, 29/04 and 4, 5/05
    expect(cal.workingDaysBetween("2026-05-05", "2026-04-24")).toBe(-4);
    expect(cal.workingDaysBetween("2026-02-13", "2026-02-23")).toBe(1);
    expect(cal.workingDaysBetween("2026-11-27", "2026-11-27")).toBe(0);
    expect(cal.workingDaysBetween("2026-11-27", "2026-11-29")).toBe(0); // only the weekend
    expect(cal.workingDaysBetween("2026-01-01", "2026-12-31")).toBe(261 - 11); // 261 weekdays, 11 of them off
  });

  it("a worked weekend day entered in the calendar counts", () => {
    const withMakeUp = new WorkingCalendar([...holidaysFor(2026), { date: "2026-02-28", kind: "WORKING_WEEKEND", name: "Làm bù" }]);
    expect(withMakeUp.isWorkingDay("2026-02-28")).toBe(true);
    expect(withMakeUp.addWorkingDays("2026-02-27", 1)).toBe("2026-02-28");
  });
});

describe("lateness", () => {
  const base = { statusAt: at17("2026-05-05") };

  it("a result after its due day is late by the working days between", () => {
    const l = lateness({ ...base, status: "RETURNED", dueAt: at17("2026-04-24"), newDueAt: null, resultAt: atHour("2026-05-05", 9) }, cal);
    expect(l).toMatchObject({ state: "LATE", workingDays: 4, moved: false });
    expect(latenessLabel(l)).toBe("Trễ hạn 4 ngày làm việc");
  });

  it("a result on the due day is on time, before it early", () => {
    expect(lateness({ ...base, status: "RESULT_READY", dueAt: at17("2026-04-24"), newDueAt: null, resultAt: atHour("2026-04-24", 16) }, cal)).toMatchObject({ state: "ON_TIME", workingDays: 0 });
    const early = lateness({ ...base, status: "DELIVERED", dueAt: at17("2026-02-24"), newDueAt: null, resultAt: atHour("2026-02-13", 10) }, cal);
    expect(early).toMatchObject({ state: "EARLY", workingDays: 2 });
    expect(latenessLabel(early)).toBe("Trước hạn 2 ngày làm việc");
  });

  it("judges against the new due date when an apology moved it", () => {
    const l = lateness({ ...base, status: "RETURNED", dueAt: at17("2026-04-24"), newDueAt: at17("2026-05-06"), resultAt: atHour("2026-05-05", 9) }, cal);
    expect(l).toMatchObject({ state: "EARLY", workingDays: 1, moved: true });
    expect(latenessLabel(l)).toBe("Trước hạn 1 ngày làm việc (theo ngày hẹn lại)");
  });

  it("takes the status time when no result event is known", () => {
    expect(lateness({ status: "RETURNED", dueAt: at17("2026-04-24"), newDueAt: null, resultAt: null, statusAt: atHour("2026-04-28", 8) }, cal)).toMatchObject({ state: "LATE", workingDays: 1 });
  });

  it("without a result: overdue by working days past the due day, due soon within one working day, else pending", () => {
    const open = { status: "PROCESSING" as const, newDueAt: null, resultAt: null, statusAt: at17("2026-04-01") };
    const overdue = lateness({ ...open, dueAt: at17("2026-04-24") }, cal, atHour("2026-05-05", 10));
    expect(overdue).toMatchObject({ state: "OVERDUE", workingDays: 4 });
    expect(latenessLabel(overdue)).toBe("Quá hạn 4 ngày làm việc");
    // Past 17:00 on the due day: overdue, 0 working days yet.
    expect(lateness({ ...open, dueAt: at17("2026-04-24") }, cal, atHour("2026-04-24", 18))).toMatchObject({ state: "OVERDUE", workingDays: 0 });
    // Friday 24/04, due Tuesday 28/04 (Monday 27/04 is off): one working day left.
    expect(lateness({ ...open, dueAt: at17("2026-04-28") }, cal, atHour("2026-04-24", 9))).toMatchObject({ state: "DUE_SOON", workingDays: 1 });
    expect(lateness({ ...open, dueAt: at17("2026-04-24") }, cal, atHour("2026-04-24", 9))).toMatchObject({ state: "DUE_SOON", workingDays: 0 });
    expect(lateness({ ...open, dueAt: at17("2026-05-04") }, cal, atHour("2026-04-24", 9))).toMatchObject({ state: "PENDING", workingDays: 3 });
    // Due soon means by the end of the next working day (as the overdue watch counts it): on a
    // Friday, Monday's due dates; on a Thursday, not Saturday's.
    expect(lateness({ ...open, dueAt: at17("2026-11-30") }, cal, atHour("2026-11-27", 9))).toMatchObject({ state: "DUE_SOON", workingDays: 1 });
    expect(lateness({ ...open, dueAt: at17("2026-11-28") }, cal, atHour("2026-11-26", 9))).toMatchObject({ state: "PENDING", workingDays: 1 });
    // Overdue since Friday 17:00, seen on Saturday: not yet a whole working day.
    const weekend = lateness({ ...open, dueAt: at17("2026-11-27") }, cal, atHour("2026-11-28", 9));
    expect(weekend).toMatchObject({ state: "OVERDUE", workingDays: 0 });
    expect(latenessLabel(weekend)).toBe("Quá hạn (chưa tròn 1 ngày làm việc)");
  });

  it("a dossier that ended without a result, or has no due date, is neither late nor on time", () => {
    expect(lateness({ status: "WITHDRAWN", dueAt: at17("2026-04-24"), newDueAt: null, resultAt: null, statusAt: at17("2026-05-01") }, cal, atHour("2026-06-01", 9)).state).toBe("CLOSED");
    expect(lateness({ status: "RECEIVED", dueAt: null, newDueAt: null, resultAt: null, statusAt: at17("2026-05-01") }, cal).state).toBe("NO_DUE_DATE");
  });
});
