/**
 * The overdue watch: the dossiers due within one working day (their due date, or the new one after
 * an apology) that have no result yet — those already overdue included. A scheduled job marks them
 * (Dossier.watchedAt, when it first found them) every hour and clears the mark on those that no longer match; the console's
 * home page lists a unit's marked dossiers first, and the morning digest sends them to the staff
 * who linked their Telegram.
 *
 * "Within one working day" is counted on the stored working calendar (weekends, public holidays,
 * worked weekend days): a dossier is watched when its due date falls on or before the end of the
 * next working day after today (on a Friday: by Monday evening, the weekend's due dates included).
 */
import { can, unitScope, type Principal } from "../auth/guard.js";
import type { CalendarService } from "../calendar/calendar-service.js";
import { dayKey, shiftDay, startOfDay, type WorkingCalendar } from "../calendar/working-days.js";
import { RESULT_OR_ENDED } from "../calendar/lateness.js";
import type pg from "pg";
import { createNotices, viaPg, wakeRelay } from "../notifications/notice-store.js";
import type { StaffDigestVariables } from "../text/staff-vi.js";

/** Dossiers listed by name in one digest (the rest are counted). */
export const DIGEST_ITEMS = 20;

/** dd/MM/yyyy of an instant's day in Vietnam. */
export const vnDate = (at: Date) => dayKey(at).split("-").reverse().join("/");

/** A lock of its own, so two runs of the watch at once take turns (the second finds the work done). */
const WATCH_LOCK = 0x6d6f7477; // "motw"

/** The end of the window: the start of the day after the next working day after `now`'s day. */
export function watchHorizon(calendar: WorkingCalendar, now: Date): Date {
  const next = calendar.nextWorkingDay(shiftDay(dayKey(now), 1));
  return startOfDay(shiftDay(next, 1));
}

export interface WatchedDossier {
  code: string;
  procedureName: string | null;
  communeName: string | null;
  applicant: { fullName: string; phone: string | null };
  /** The due date in force (the new one after an apology, else the first). */
  dueAt: Date;
  /** Past the due date now. */
  overdue: boolean;
  /** Working days late (overdue: ≥ 0; 0 when it became overdue today or on a day off since the last working day). */
  lateWorkingDays: number;
  /** "Quá hạn 2 ngày làm việc", "Đến hạn trong 1 ngày làm việc", … */
  label: string;
}

/** How staff read a watched dossier's state. */
export function watchLabel(overdue: boolean, lateWorkingDays: number): string {
  if (!overdue) return "Đến hạn trong 1 ngày làm việc";
  if (lateWorkingDays <= 0) return "Quá hạn (chưa tròn 1 ngày làm việc)";
  return `Quá hạn ${lateWorkingDays} ngày làm việc`;
}

/** Lateness of a due date now, in working days. */
export function lateness(calendar: WorkingCalendar, dueAt: Date, now: Date): { overdue: boolean; lateWorkingDays: number } {
  const overdue = dueAt.getTime() < now.getTime();
  return { overdue, lateWorkingDays: overdue ? Math.max(0, calendar.workingDaysBetween(dayKey(dueAt), dayKey(now))) : 0 };
}

const maskPhone = (phone: string | null) => (phone ? `…${phone.slice(-2)}` : null);

export class OverdueWatchService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly calendar: CalendarService,
    private readonly options: { publicBaseUrl: string | null } = { publicBaseUrl: null },
  ) {}

  /**
   * Marks the dossiers due within one working day with no result (watchedAt: when the watch first
   * found them) and clears the mark on the others. One transaction under an advisory lock: two
   * runs at once take turns, and each leaves the same marks. How many were newly marked, and how
   * many marks were cleared.
   */
  async mark(now = new Date()): Promise<{ marked: number; cleared: number; horizon: Date }> {
    const horizon = watchHorizon(await this.calendar.calendar(), now);
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [WATCH_LOCK]);
      const matches = `status <> ALL($1::"DossierStatus"[]) AND COALESCE("newDueAt", "dueAt") < $2::timestamptz`;
      // Only the newly found are written (a dossier overdue for weeks is not rewritten every hour).
      const watched = await client.query(`UPDATE "Dossier" SET "watchedAt" = $3::timestamptz WHERE ${matches} AND "watchedAt" IS NULL`, [RESULT_OR_ENDED, horizon.toISOString(), now.toISOString()]);
      const cleared = await client.query(`UPDATE "Dossier" SET "watchedAt" = NULL WHERE "watchedAt" IS NOT NULL AND NOT COALESCE(${matches}, false)`, [RESULT_OR_ENDED, horizon.toISOString()]);
      await client.query("COMMIT");
      return { marked: watched.rowCount ?? 0, cleared: cleared.rowCount ?? 0, horizon };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The marked dossiers of a unit (a commune, a province's communes; null: everywhere), most
   * overdue first. A dossier that got its result since the last run is left out at once.
   */
  async watchedInUnit(unitCode: string | null, now = new Date(), limit = 200): Promise<{ total: number; overdue: number; dossiers: WatchedDossier[] }> {
    const where = `d."watchedAt" IS NOT NULL AND d.status <> ALL($1::"DossierStatus"[]) AND COALESCE(d."newDueAt", d."dueAt") IS NOT NULL
       AND ($2::text IS NULL OR c.code = $2 OR c."parentCode" = $2)`;
    const [count, rows, calendar] = await Promise.all([
      this.pool.query<{ n: number; overdue: number }>(
        `SELECT count(*)::int AS n, (count(*) FILTER (WHERE COALESCE(d."newDueAt", d."dueAt") < $3::timestamptz))::int AS overdue FROM "Dossier" d LEFT JOIN "AdminUnit" c ON c.code = d."communeCode" WHERE ${where}`,
        [RESULT_OR_ENDED, unitCode, now.toISOString()],
      ),
      this.pool.query<{ code: string; procedureName: string | null; communeName: string | null; fullName: string | null; phone: string | null; dueAt: Date }>(
        `SELECT d.code, d."procedureName", c."fullName" AS "communeName", a."fullName", a.phone, COALESCE(d."newDueAt", d."dueAt") AS "dueAt"
           FROM "Dossier" d JOIN "Citizen" a ON a.id = d."applicantId" LEFT JOIN "AdminUnit" c ON c.code = d."communeCode"
          WHERE ${where}
          ORDER BY COALESCE(d."newDueAt", d."dueAt"), d.code LIMIT ${Math.max(1, Math.floor(limit))}`,
        [RESULT_OR_ENDED, unitCode],
      ),
      this.calendar.calendar(),
    ]);
    const dossiers = rows.rows.map((d): WatchedDossier => {
      const { overdue, lateWorkingDays } = lateness(calendar, d.dueAt, now);
      return {
        code: d.code,
        procedureName: d.procedureName,
        communeName: d.communeName,
        applicant: { fullName: d.fullName ?? "", phone: maskPhone(d.phone) },
        dueAt: d.dueAt,
        overdue,
        lateWorkingDays,
        label: watchLabel(overdue, lateWorkingDays),
      };
    });
    return { total: count.rows[0]?.n ?? 0, overdue: count.rows[0]?.overdue ?? 0, dossiers };
  }

  /** The marked dossiers a principal may see (confined by the guard's unit rule). */
  watchedFor(principal: Principal, now = new Date(), limit = 200) {
    return this.watchedInUnit(unitScope(principal), now, limit);
  }

  /**
   * The morning digest (07:30 on working days): refreshes the marks, then queues one Telegram
   * notice per linked staff member who reads dossiers, listing their unit's watched dossiers —
   * none when there are none. Keyed per member per day, so a second run that day queues nothing.
   * On a day off it does nothing.
   */
  async digest(now = new Date()): Promise<{ workingDay: boolean; queued: number; members: number }> {
    const calendar = await this.calendar.calendar();
    const today = dayKey(now);
    if (!calendar.isWorkingDay(today)) return { workingDay: false, queued: 0, members: 0 };
    await this.mark(now);
    const members = await this.pool.query<{ id: string; fullName: string; username: string; role: Principal["role"]; unitCode: string | null; unitName: string | null; chatId: string }>(
      `SELECT s.id, s."fullName", s.username, s.role, s."unitCode", u."fullName" AS "unitName", s."telegramChatId" AS "chatId"
         FROM "StaffUser" s LEFT JOIN "AdminUnit" u ON u.code = s."unitCode"
        WHERE s.active AND s."telegramChatId" IS NOT NULL ORDER BY s.username`,
    );
    let queued = 0;
    let reached = 0;
    for (const m of members.rows) {
      const principal: Principal = { kind: "session", id: m.id, name: m.fullName, role: m.role, unitCode: m.unitCode };
      if (!can(principal, "dossiers:read")) continue;
      const watched = await this.watchedInUnit(unitScope(principal), now, DIGEST_ITEMS);
      if (watched.total === 0) continue;
      reached += 1;
      const identity = await this.pool.query<{ id: string }>(
        `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "consentAt", "updatedAt") VALUES (gen_random_uuid(), 'TELEGRAM', $1, now(), now())
         ON CONFLICT (channel, "externalId") DO UPDATE SET "updatedAt" = "ChannelIdentity"."updatedAt" RETURNING id`,
        [m.chatId],
      );
      const variables: StaffDigestVariables = {
        staffName: m.fullName,
        unitName: m.unitName,
        date: vnDate(now),
        total: watched.total,
        overdue: watched.overdue,
        dueSoon: watched.total - watched.overdue,
        items: watched.dossiers.map((d) => ({ code: d.code, procedureName: d.procedureName, dueDate: vnDate(d.dueAt), overdue: d.overdue, lateWorkingDays: d.lateWorkingDays })),
        link: this.options.publicBaseUrl ? `${this.options.publicBaseUrl.replace(/\/$/, "")}/staff` : null,
      };
      const run = viaPg(this.pool);
      const ids = await createNotices(run, [
        { type: "STAFF_DIGEST", citizenId: null, identityId: identity.rows[0]!.id, variables, urgent: false, dedupeKey: `staff-digest:${m.id}:${today}`, channelPlan: ["TELEGRAM"] },
      ]);
      await wakeRelay(run, ids);
      queued += ids.length;
    }
    return { workingDay: true, queued, members: reached };
  }
}
