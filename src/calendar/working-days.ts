/**
 * Working days in Vietnam: Monday to Friday, except public holidays and the days off the
 * government gives in their place or adds; plus the weekend days worked in exchange (làm bù).
 * Pure: the calendar is given (the CalendarDay table, through `calendar-service.ts`).
 *
 * Days are calendar days in Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving), written as
 * yyyy-MM-dd keys.
 */

export type CalendarDayKind = "HOLIDAY" | "WORKING_WEEKEND";

export interface CalendarEntry {
  /** yyyy-MM-dd. */
  date: string;
  kind: CalendarDayKind;
  name: string;
}

export type Timeliness = "EARLY" | "ON_TIME" | "LATE";

const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;
/** How far the calculator walks before it gives up (a calendar that makes every day a holiday). */
const MAX_WALK_DAYS = 3660;

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Vietnamese calendar day of an instant, as yyyy-MM-dd. */
export function dayKey(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight (start) of a yyyy-MM-dd day in Vietnam, as an instant. */
export function startOfDay(key: string): Date {
  const m = DAY_KEY.exec(key);
  if (!m) throw new RangeError(`not a yyyy-MM-dd day: ${key}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - VN_OFFSET_MS);
}

/** The day `n` calendar days after `key` (negative: before). */
export function shiftDay(key: string, n: number): string {
  return new Date(startOfDay(key).getTime() + VN_OFFSET_MS + n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, for a yyyy-MM-dd day. */
export function weekday(key: string): number {
  return new Date(startOfDay(key).getTime() + VN_OFFSET_MS).getUTCDay();
}

export class WorkingCalendar {
  private readonly byDay: Map<string, CalendarEntry>;

  constructor(entries: Iterable<CalendarEntry> = []) {
    this.byDay = new Map();
    for (const e of entries) {
      if (!DAY_KEY.test(e.date)) throw new RangeError(`not a yyyy-MM-dd day: ${e.date}`);
      this.byDay.set(e.date, e);
    }
  }

  /** The calendar's entry for a day (a holiday or a worked weekend day), if any. */
  entry(key: string): CalendarEntry | undefined {
    return this.byDay.get(key);
  }

  isWorkingDay(day: string | Date): boolean {
    const key = typeof day === "string" ? day : dayKey(day);
    const e = this.byDay.get(key);
    if (e) return e.kind === "WORKING_WEEKEND";
    const wd = weekday(key);
    return wd !== 0 && wd !== 6;
  }

  /** The first working day on or after `day`. */
  nextWorkingDay(day: string | Date): string {
    let key = typeof day === "string" ? day : dayKey(day);
    for (let i = 0; i < MAX_WALK_DAYS; i++) {
      if (this.isWorkingDay(key)) return key;
      key = shiftDay(key, 1);
    }
    throw new RangeError("the calendar has no working day in ten years");
  }

  /**
   * The working day `n` working days after `day` (n ≥ 0; n = 0 is `day` itself when it is a
   * working day, else the next one). A dossier received on day D with a 3-working-day time limit
   * is due on addWorkingDays(D, 3).
   */
  addWorkingDays(day: string | Date, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError("n must be a whole number ≥ 0");
    let key = this.nextWorkingDay(day);
    let left = n;
    let walked = 0;
    while (left > 0) {
      key = shiftDay(key, 1);
      if (this.isWorkingDay(key)) left--;
      if (++walked > MAX_WALK_DAYS) throw new RangeError("the calendar has no working day in ten years");
    }
    return key;
  }

  /**
   * Working days from `from` to `to`: the working days after `from` up to and including `to`
   * (0 when they are the same day; negative when `to` is before `from`). How late a result
   * returned on `to` is against a due date `from`, in working days.
   */
  workingDaysBetween(from: string | Date, to: string | Date): number {
    const a = typeof from === "string" ? from : dayKey(from);
    const b = typeof to === "string" ? to : dayKey(to);
    if (a === b) return 0;
    const sign = a < b ? 1 : -1;
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const span = Math.round((startOfDay(hi).getTime() - startOfDay(lo).getTime()) / DAY_MS);
    if (span > MAX_WALK_DAYS * 10) throw new RangeError("dates more than a century apart");
    let count = 0;
    let key = lo;
    for (let i = 0; i < span; i++) {
      key = shiftDay(key, 1);
      if (this.isWorkingDay(key)) count++;
    }
    return sign * count;
  }

  /**
   * Early, on time or late: a result on a day before the due day is early, on the due day on time,
   * after it late. Judged by calendar day in Vietnam (the appointment is a day; the desk closes at
   * 17:00 on it).
   */
  timeliness(doneAt: Date, dueAt: Date): Timeliness {
    const done = dayKey(doneAt);
    const due = dayKey(dueAt);
    if (done < due) return "EARLY";
    if (done === due) return "ON_TIME";
    return "LATE";
  }
}
