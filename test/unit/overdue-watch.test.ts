/**
 * The overdue watch's pure parts: the window ("due within one working day") across weekends,
 * holidays and worked weekend days; lateness in working days and its label; the digest's text
 * (a summary line, the first dossiers, the rest counted, within Telegram's 4,096 characters).
 */
import { describe, expect, it } from "vitest";
import { WorkingCalendar, dayKey } from "../../src/calendar/working-days.js";
import { lateness, watchHorizon, watchLabel } from "../../src/staff/overdue-watch.js";
import { staffDigestText, type StaffDigestItem } from "../../src/text/staff-vi.js";

const vn = (iso: string) => new Date(`${iso}+07:00`);

describe("the watch window", () => {
  const plain = new WorkingCalendar();
  // 2027-03-01 is a Monday.
  it("ends with the next working day after today", () => {
    expect(dayKey(new Date(watchHorizon(plain, vn("2027-03-02T10:00:00")).getTime() - 1))).toBe("2027-03-03"); // Tue → by Wed evening
    expect(dayKey(new Date(watchHorizon(plain, vn("2027-03-05T10:00:00")).getTime() - 1))).toBe("2027-03-08"); // Fri → by Mon evening
    expect(dayKey(new Date(watchHorizon(plain, vn("2027-03-06T10:00:00")).getTime() - 1))).toBe("2027-03-08"); // Sat → by Mon evening
  });

  it("skips a holiday and counts a worked weekend day", () => {
    const holiday = new WorkingCalendar([{ date: "2027-03-08", kind: "HOLIDAY", name: "Nghỉ bù" }]);
    expect(dayKey(new Date(watchHorizon(holiday, vn("2027-03-05T10:00:00")).getTime() - 1))).toBe("2027-03-09");
    const worked = new WorkingCalendar([{ date: "2027-03-06", kind: "WORKING_WEEKEND", name: "Làm bù" }]);
    expect(dayKey(new Date(watchHorizon(worked, vn("2027-03-05T10:00:00")).getTime() - 1))).toBe("2027-03-06");
  });

  it("counts lateness in working days", () => {
    const holiday = new WorkingCalendar([{ date: "2027-03-08", kind: "HOLIDAY", name: "Nghỉ bù" }]);
    const now = vn("2027-03-09T09:00:00"); // Tuesday, after a holiday Monday
    expect(lateness(holiday, vn("2027-03-05T17:00:00"), now)).toEqual({ overdue: true, lateWorkingDays: 1 });
    expect(lateness(holiday, vn("2027-03-04T17:00:00"), now)).toEqual({ overdue: true, lateWorkingDays: 2 });
    expect(lateness(holiday, vn("2027-03-09T08:00:00"), now)).toEqual({ overdue: true, lateWorkingDays: 0 });
    expect(lateness(holiday, vn("2027-03-10T17:00:00"), now)).toEqual({ overdue: false, lateWorkingDays: 0 });
    expect(watchLabel(true, 3)).toBe("Quá hạn 3 ngày làm việc");
    expect(watchLabel(false, 0)).toBe("Đến hạn trong 1 ngày làm việc");
    expect(watchLabel(true, 0)).toMatch(/^Quá hạn/);
  });
});

describe("the digest's text", () => {
  const item = (i: number, overdue: boolean): StaffDigestItem => ({ code: `H15.50.05.13-270301-${String(i).padStart(4, "0")}`, procedureName: "Đăng ký khai sinh", dueDate: "04/03/2027", overdue, lateWorkingDays: overdue ? 2 : 0 });

  it("lists the dossiers under a summary line", () => {
    const text = staffDigestText({ staffName: "Lan", unitName: "Phường Hồng Ngự", date: "05/03/2027", total: 2, overdue: 1, dueSoon: 1, items: [item(1, true), item(2, false)], link: "https://motcua.example/staff" }).chat;
    expect(text).toMatch(/^Nhắc việc ngày 05\/03\/2027 – Phường Hồng Ngự: 2 hồ sơ chưa có kết quả cần chú ý \(1 đã quá hạn, 1 đến hạn trong 1 ngày làm việc\)\./);
    expect(text).toContain("• H15.50.05.13-270301-0001 – Đăng ký khai sinh: hạn 04/03/2027, quá hạn 2 ngày làm việc");
    expect(text).toContain("• H15.50.05.13-270301-0002 – Đăng ký khai sinh: hạn 04/03/2027, đến hạn trong 1 ngày làm việc");
    expect(text).toContain("Xem đầy đủ: https://motcua.example/staff");
    expect(text).not.toContain("hồ sơ khác");
  });

  it("counts the rest when there are many, and stays within Telegram's limit", () => {
    const items = Array.from({ length: 20 }, (_, i) => item(i, true));
    const text = staffDigestText({ staffName: "Lan", unitName: null, date: "05/03/2027", total: 35, overdue: 35, dueSoon: 0, items, link: null }).chat;
    expect(text).toContain("… và 15 hồ sơ khác.");
    const long = items.map((d) => ({ ...d, procedureName: "Thủ tục có tên rất dài ".repeat(12) }));
    const cut = staffDigestText({ staffName: "Lan", unitName: null, date: "05/03/2027", total: 35, overdue: 35, dueSoon: 0, items: long, link: null }).chat;
    expect(cut.length).toBeLessThanOrEqual(4096);
    const listed = cut.split("\n").filter((l) => l.startsWith("• ")).length;
    expect(listed).toBeLessThan(20);
    expect(cut).toContain(`… và ${35 - listed} hồ sơ khác.`);
  });
});
