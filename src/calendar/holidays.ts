/**
 * Vietnam's public holidays for a year, computed by the rule of the Labour Code 2019 (Bộ luật Lao
 * động số 45/2019/QH14), Article 112:
 *
 * - Tết Dương lịch: 1 January (1 day);
 * - Tết Âm lịch: 5 days — here the last day of the lunar year and the first 4 days of the new one
 *   (the government announces the actual days each year);
 * - Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month (1 day);
 * - Ngày Chiến thắng: 30 April; Ngày Quốc tế lao động: 1 May (1 day each);
 * - Quốc khánh: 2 September and one day before or after it, chosen by the government (2 days) — the
 *   adjacent day here is a guess (the side nearer a weekend) and is never confirmed by the rule;
 * - a holiday on a Saturday or Sunday (the civil service's weekly rest) gives the next working day
 *   off instead (Article 112(3)): a compensatory day (nghỉ bù).
 *
 * Lunar dates come from @dqcai/vn-lunar (Vietnam's lunar calendar, UTC+7). Every day computed here
 * is `confirmed: false` with the rule as its source, except days known from the year's official
 * notice (OFFICIAL_NOTICES), which are confirmed with the notice as their source.
 */
import { getSolarDate } from "@dqcai/vn-lunar";
import { shiftDay, weekday, type CalendarDayKind } from "./working-days.js";

export interface HolidayDay {
  /** yyyy-MM-dd. */
  date: string;
  kind: CalendarDayKind;
  name: string;
  source: string;
  confirmed: boolean;
}

export const RULE_SOURCE = "Tính theo Điều 112 Bộ luật Lao động 2019 (chưa đối chiếu thông báo chính thức)";
export const RULE_SOURCE_ADJACENT = "Tính theo Điều 112 Bộ luật Lao động 2019: ngày liền kề Quốc khánh do Thủ tướng quyết định, ước đoán, chưa xác nhận";

/**
 * Days off the year's official notice announced, by year: these rows are stored confirmed. Only
 * what is known for certain belongs here.
 */
const OFFICIAL_NOTICES: Record<number, { dates: string[]; source: string }[]> = {
  2026: [
    {
      dates: ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"],
      source: "Thông báo chính thức về lịch nghỉ Tết Âm lịch 2026 của cán bộ, công chức, viên chức: nghỉ từ 16/02 đến 20/02/2026",
    },
  ],
};

/** The years computed (the library converts 1200–2199; the modern holidays begin long after 1900). */
const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

const key = (y: number, m: number, d: number) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** The solar (Gregorian) day of a lunar date of the regular (not leap) month, as yyyy-MM-dd. */
export function lunarToSolar(day: number, month: number, lunarYear: number): string {
  const s = getSolarDate(day, month, lunarYear, false);
  return key(s.year, s.month, s.day);
}

/** Tết Nguyên đán (1st day of the 1st lunar month) of the lunar year that starts in `year`. */
export const lunarNewYear = (year: number): string => lunarToSolar(1, 1, year);

/** Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month) in `year`. */
export const hungKingsDay = (year: number): string => lunarToSolar(10, 3, year);

const isWeekend = (day: string) => {
  const wd = weekday(day);
  return wd === 0 || wd === 6;
};

/**
 * The day the rule guesses next to 2 September: the side nearer a weekend (Monday → Tuesday,
 * Tuesday → Monday, Thursday → Friday, Friday → Thursday, Saturday → Friday, Sunday → Monday;
 * Wednesday → Tuesday), which is what the government chose in recent years.
 */
export function nationalDayNeighbour(year: number): string {
  const day = key(year, 9, 2);
  const after = shiftDay(day, 1);
  const before = shiftDay(day, -1);
  switch (weekday(day)) {
    case 1: // Monday
    case 4: // Thursday
    case 0: // Sunday
      return after;
    default:
      return before;
  }
}

/** Every holiday and compensatory day of `year` by the rule, in date order. */
export function holidaysFor(year: number): HolidayDay[] {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) throw new RangeError(`year must be between ${MIN_YEAR} and ${MAX_YEAR}`);
  const rule = (date: string, name: string, source = RULE_SOURCE): HolidayDay => ({ date, kind: "HOLIDAY", name, source, confirmed: false });

  const tet = lunarNewYear(year);
  const groups: HolidayDay[][] = [
    [rule(key(year, 1, 1), "Tết Dương lịch")],
    [
      rule(shiftDay(tet, -1), "Tết Nguyên đán (ngày cuối năm Âm lịch)"),
      rule(tet, "Tết Nguyên đán (mùng 1)"),
      rule(shiftDay(tet, 1), "Tết Nguyên đán (mùng 2)"),
      rule(shiftDay(tet, 2), "Tết Nguyên đán (mùng 3)"),
      rule(shiftDay(tet, 3), "Tết Nguyên đán (mùng 4)"),
    ],
    [rule(hungKingsDay(year), "Giỗ Tổ Hùng Vương (10/3 Âm lịch)")],
    [rule(key(year, 4, 30), "Ngày Chiến thắng (30/4)"), rule(key(year, 5, 1), "Ngày Quốc tế lao động (1/5)")],
    [rule(key(year, 9, 2), "Quốc khánh (2/9)"), rule(nationalDayNeighbour(year), "Quốc khánh (ngày liền kề, chưa xác nhận)", RULE_SOURCE_ADJACENT)].sort((a, b) => a.date.localeCompare(b.date)),
  ];

  const days = new Map<string, HolidayDay>();
  for (const group of groups) for (const d of group) days.set(d.date, d);
  // A holiday on a weekend: the next weekday that is not itself off, in date order.
  for (const group of groups) {
    for (const d of group.filter((h) => isWeekend(h.date))) {
      let next = shiftDay(group.at(-1)!.date, 1);
      while (isWeekend(next) || days.has(next)) next = shiftDay(next, 1);
      const of = d.name.replace(/ \([^()]*\)$/, "");
      days.set(next, rule(next, `Nghỉ bù ${of} (${WEEKEND_NAMES[weekday(d.date)]} ${formatDay(d.date)})`, d.source));
    }
  }

  const notices = OFFICIAL_NOTICES[year] ?? [];
  for (const notice of notices) {
    for (const date of notice.dates) {
      const d = days.get(date);
      if (d) days.set(date, { ...d, source: notice.source, confirmed: true });
    }
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

const WEEKEND_NAMES: Record<number, string> = { 0: "Chủ nhật", 6: "thứ Bảy" };

/** 17/02/2026 for 2026-02-17. */
function formatDay(day: string): string {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}
