/**
 * The working calendar as stored (CalendarDay), for the services that count working days.
 * Loaded once and kept until a write through this service (or `invalidate()`) changes it; other
 * processes pick up an admin's edit within `maxAgeMs`.
 */
import type { PrismaClient } from "../generated/prisma/client.js";
import { WorkingCalendar, type CalendarEntry } from "./working-days.js";

export class CalendarService {
  private cached: { at: number; calendar: WorkingCalendar } | null = null;
  private loading: Promise<WorkingCalendar> | null = null;

  constructor(
    private readonly db: PrismaClient,
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

  private async load(): Promise<WorkingCalendar> {
    const rows = await this.db.calendarDay.findMany({ orderBy: { date: "asc" } });
    const entries: CalendarEntry[] = rows.map((r) => ({ date: r.date.toISOString().slice(0, 10), kind: r.kind, name: r.name }));
    const calendar = new WorkingCalendar(entries);
    this.cached = { at: Date.now(), calendar };
    return calendar;
  }
}
