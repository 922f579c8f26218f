/**
 * The working calendar as stored (CalendarDay), for the services that count working days, and the
 * admin's edits of it. Loaded once and kept until a write through this service (or `invalidate()`)
 * changes it; other processes pick up an admin's edit within `maxAgeMs`. Its statements run on the
 * pg pool (the worker reads the calendar without Prisma); it is the one writer of CalendarDay and
 * CalendarSeedYear.
 */
import { z } from "zod";
import { CONTROL_ONE_LINE, INVISIBLE, LONE_SURROGATE } from "../text/characters.js";
import type pg from "pg";
import { NotFoundError, ValidationError } from "../errors.js";
import { weekday, WorkingCalendar, type CalendarDayKind, type CalendarEntry } from "./working-days.js";

/** The years `motcua seed` stores (once each). */
export const SEEDED_YEARS = [2026, 2027] as const;

/** The years the calendar may hold. */
export const CALENDAR_MIN_YEAR = 2000;
export const CALENDAR_MAX_YEAR = 2100;

/** Printable one-line text: no control characters (NUL, tabs, line breaks …), no invisible ones (RLO, zero-width space), no unpaired surrogates. */
const printable = (field: string, max: number) =>
  z
    .string({ message: `${field}: bắt buộc, dạng chuỗi` })
    .trim()
    .min(1, `${field}: không được để trống`)
    .max(max, `${field}: tối đa ${max} ký tự`)
    .refine((v) => !CONTROL_ONE_LINE.test(v) && !LONE_SURROGATE.test(v), `${field}: có ký tự không hợp lệ`)
    .refine((v) => !INVISIBLE.test(v), `${field}: có ký tự ẩn (khoảng trắng không độ rộng, ký tự đảo chiều chữ); hãy gõ lại`);

/** A calendar day as yyyy-MM-dd, a real date, in the years the calendar holds. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "date: ngày dạng YYYY-MM-DD, ví dụ 2026-09-01")
  .refine((v) => {
    const [y, m, d] = v.split("-").map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, "date: không có ngày này trong lịch")
  .refine((v) => {
    const y = Number(v.slice(0, 4));
    return y >= CALENDAR_MIN_YEAR && y <= CALENDAR_MAX_YEAR;
  }, `date: năm từ ${CALENDAR_MIN_YEAR} đến ${CALENDAR_MAX_YEAR}`);

export const calendarYear = z
  .string({ message: "year: năm dạng YYYY" })
  // Four digits only: z.coerce alone took "0x7e8" for 2024, "2.026e3" and " 2026 " for 2026.
  .regex(/^\d{4}$/, "year: năm dạng YYYY")
  .transform(Number)
  .pipe(
    z
      .number({ message: "year: năm dạng YYYY" })
      .int("year: năm dạng YYYY")
      .min(CALENDAR_MIN_YEAR, `year: năm từ ${CALENDAR_MIN_YEAR} đến ${CALENDAR_MAX_YEAR}`)
      .max(CALENDAR_MAX_YEAR, `year: năm từ ${CALENDAR_MIN_YEAR} đến ${CALENDAR_MAX_YEAR}`),
  );

/** What an admin writes for a day (PUT /api/v1/calendar/{date}). */
export const calendarDayInput = z
  .object({
    kind: z.enum(["HOLIDAY", "WORKING_WEEKEND"], { message: "kind: HOLIDAY (ngày nghỉ) hoặc WORKING_WEEKEND (thứ Bảy/Chủ nhật làm bù)" }),
    name: printable("name", 200),
    /** The notice or rule it comes from; omitted: entered by an admin. */
    source: printable("source", 500).optional(),
    /** Checked against the year's official notice. */
    confirmed: z.boolean({ message: "confirmed: true hoặc false" }).optional().default(false),
  })
  .strict();

export type CalendarDayInput = z.output<typeof calendarDayInput>;

export interface CalendarDayView {
  date: string;
  kind: CalendarDayKind;
  name: string;
  source: string;
  confirmed: boolean;
  updatedBy: string | null;
  updatedAt: Date;
}

export interface CalendarSeedReport {
  /** Years stored by this run. */
  seededYears: number[];
  /** Days inserted (a day already present, e.g. entered by an admin, is kept as it is). */
  inserted: number;
  /** Years stored by an earlier run, left as they are. */
  skippedYears: number[];
}

/** A CalendarDay row as the statements below read it (DAY_COLUMNS): already the view, the date as yyyy-MM-dd text (never a local-midnight Date). */
type DayRow = CalendarDayView;
const DAY_COLUMNS = `to_char(date, 'YYYY-MM-DD') AS date, kind::text AS kind, name, source, confirmed, "updatedBy", "updatedAt"`;
const viewOf = (r: DayRow): CalendarDayView => ({ date: r.date, kind: r.kind, name: r.name, source: r.source, confirmed: r.confirmed, updatedBy: r.updatedBy, updatedAt: r.updatedAt });

export class CalendarService {
  private cached: { at: number; calendar: WorkingCalendar } | null = null;
  private loading: Promise<WorkingCalendar> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxAgeMs = 5 * 60_000,
  ) {}

  /** The working calendar (every CalendarDay row). */
  async calendar(): Promise<WorkingCalendar> {
    if (this.cached && Date.now() - this.cached.at < this.maxAgeMs) return this.cached.calendar;
    if (!this.loading) {
      this.loading = this.load().finally(() => {
        this.loading = null;
      });
    }
    return this.loading;
  }

  /** Forget the cached calendar (after a write). */
  invalidate(): void {
    this.cached = null;
  }

  /** The stored days of a year, in date order, and whether the seed has stored the year. */
  async year(year: number): Promise<{ year: number; seeded: boolean; days: CalendarDayView[] }> {
    const [rows, seed] = await Promise.all([
      this.pool.query<DayRow>(`SELECT ${DAY_COLUMNS} FROM "CalendarDay" WHERE date BETWEEN $1::date AND $2::date ORDER BY date`, [`${year}-01-01`, `${year}-12-31`]),
      this.pool.query(`SELECT 1 FROM "CalendarSeedYear" WHERE year = $1`, [year]),
    ]);
    return { year, seeded: seed.rows.length > 0, days: rows.rows.map(viewOf) };
  }

  /**
   * Adds or replaces a day (an admin's edit): `by` is who ("session:<id>", "api-key:<id>").
   * A worked weekend day must be a Saturday or Sunday.
   */
  async put(date: string, input: CalendarDayInput, by: string, byName: string): Promise<{ day: CalendarDayView; created: boolean }> {
    const key = calendarDate.parse(date);
    if (input.kind === "WORKING_WEEKEND" && weekday(key) !== 0 && weekday(key) !== 6) {
      throw new ValidationError("kind: ngày làm bù (WORKING_WEEKEND) phải là thứ Bảy hoặc Chủ nhật", { field: "kind" });
    }
    // One statement: `xmax = 0` tells a row this statement inserted from one it updated.
    const { rows } = await this.pool.query<DayRow & { created: boolean }>(
      `INSERT INTO "CalendarDay" (date, kind, name, source, confirmed, "updatedBy", "updatedAt")
       VALUES ($1::date, $2::"CalendarDayKind", $3, $4, $5, $6, now())
       ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, source = EXCLUDED.source,
         confirmed = EXCLUDED.confirmed, "updatedBy" = EXCLUDED."updatedBy", "updatedAt" = EXCLUDED."updatedAt"
       RETURNING ${DAY_COLUMNS}, (xmax = 0) AS created`,
      [key, input.kind, input.name, input.source ?? `Do quản trị viên ${byName} nhập`, input.confirmed, by],
    );
    this.invalidate();
    const row = rows[0]!;
    return { day: viewOf(row), created: row.created };
  }

  /** Removes a day: it becomes an ordinary day again (Monday–Friday working, weekend off). */
  async remove(date: string): Promise<void> {
    const key = calendarDate.parse(date);
    const { rowCount } = await this.pool.query(`DELETE FROM "CalendarDay" WHERE date = $1::date`, [key]);
    if (!rowCount) throw new NotFoundError(`Lịch không có ngày ${key} (no such calendar day).`);
    this.invalidate();
  }

  /**
   * Stores the holidays of each year computed by the rule (holidays.ts), once per year: a year the
   * seed stored before gets nothing, so an admin's edits and deletions stand; within a new year, a
   * day already present (entered by an admin) is kept as it is.
   */
  async seed(years: readonly number[] = SEEDED_YEARS): Promise<CalendarSeedReport> {
    const report: CalendarSeedReport = { seededYears: [], inserted: 0, skippedYears: [] };
    // The rule (and the lunar calendar it needs) is loaded by the seed only, not by every reader.
    const { holidaysFor, RULE_SOURCE } = await import("./holidays.js");
    for (const year of years) {
      const days = holidaysFor(year);
      // One statement: the year is claimed and its days stored together, so two seeds at once
      // store it once (the second's claim conflicts, and it inserts nothing).
      const { rows } = await this.pool.query<{ claimed: number; inserted: number }>(
        `WITH claimed AS (INSERT INTO "CalendarSeedYear" (year, source) VALUES ($1, $2) ON CONFLICT (year) DO NOTHING RETURNING year),
              stored AS (
                INSERT INTO "CalendarDay" (date, kind, name, source, confirmed, "updatedBy", "updatedAt")
                SELECT d.date::date, d.kind::"CalendarDayKind", d.name, d.source, d.confirmed, 'seed', now()
                  FROM json_to_recordset($3::json) AS d(date text, kind text, name text, source text, confirmed boolean)
                 WHERE EXISTS (SELECT 1 FROM claimed)
                ON CONFLICT (date) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM claimed)::int AS claimed, (SELECT count(*) FROM stored)::int AS inserted`,
        [year, RULE_SOURCE, JSON.stringify(days.map((d) => ({ date: d.date, kind: d.kind, name: d.name, source: d.source, confirmed: d.confirmed })))],
      );
      const inserted = rows[0]!.claimed === 0 ? null : rows[0]!.inserted;
      if (inserted === null) report.skippedYears.push(year);
      else {
        report.seededYears.push(year);
        report.inserted += inserted;
      }
    }
    if (report.inserted) this.invalidate();
    return report;
  }

  private async load(): Promise<WorkingCalendar> {
    const { rows } = await this.pool.query<CalendarEntry>(`SELECT to_char(date, 'YYYY-MM-DD') AS date, kind::text AS kind, name FROM "CalendarDay" ORDER BY date`);
    const entries: CalendarEntry[] = rows;
    const calendar = new WorkingCalendar(entries);
    this.cached = { at: Date.now(), calendar };
    return calendar;
  }
}
