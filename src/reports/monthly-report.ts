/**
 * The monthly report (issue 10 §7): for one commune, or for a province the roll-up of its
 * communes, for a month (Asia/Ho_Chi_Minh month boundaries) — dossiers received (by channel),
 * results returned (through the post too), early / on time / late, apologies, hand-overs, notices
 * by channel and outcome with their estimated cost, bookings, announcements — plus the sections
 * staff write (results, strengths, limitations, proposals) and a submitted state that freezes the
 * figures.
 *
 * Every figure is a grouped count in PostgreSQL (raw SQL over the pool, grouped by commune), never
 * rows loaded into memory: a province of 100 communes with 500,000 dossiers in a month is counted
 * in a few seconds (`npm run bench:report`). The province's figures are the sum of its communes'.
 * Every statement here runs on the pg pool (the worker prepares the drafts without Prisma); this
 * service is the one writer of MonthlyReport.
 */
import type pg from "pg";
import { z } from "zod";
import { unitScope, type Principal } from "../auth/guard.js";
import { createNotices, viaPg, wakeRelay } from "../notifications/notice-store.js";
import { REPORT_TEXT, type StaffReportReminderVariables } from "../text/staff-vi.js";
import { AppError, NotFoundError, ValidationError } from "../errors.js";
import { dayKey, shiftDay, WorkingCalendar } from "../calendar/working-days.js";
import { CONTROL, INVISIBLE, LONE_SURROGATE, NONCHARACTER } from "../text/characters.js";
import { formatDateTimeVi } from "../text/dates.js";

// ───────────────────────── Months ─────────────────────────

const VN_OFFSET_MS = 7 * 3600_000;
const MONTH = /^(\d{4})-(\d{2})$/;

/** The month an instant falls in, in Vietnam: "2026-11". */
export function monthOf(at: Date): string {
  return dayKey(at).slice(0, 7);
}

/** Submitting with a section still empty. */
const SECTIONS_MISSING = "hãy viết đủ bốn mục (Kết quả đạt được, Ưu điểm, Hạn chế, Kiến nghị, đề xuất) trước khi nộp báo cáo.";

/** The first instant of a month in Vietnam (00:00 +07:00 on its first day), and of the next month. */
export function monthBounds(month: string): { from: Date; to: Date } {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`not a YYYY-MM month: ${month}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from: new Date(Date.UTC(y, mo - 1, 1) - VN_OFFSET_MS), to: new Date(Date.UTC(y, mo, 1) - VN_OFFSET_MS) };
}

/** The last calendar day of a month, as yyyy-MM-dd. */
export function lastDayOf(month: string): string {
  return dayKey(new Date(monthBounds(month).to.getTime() - 1));
}

/**
 * The day the month's draft is prepared: three working days before the month's end — the working
 * day after which exactly three working days remain up to the month's last day (November 2026,
 * ending on Monday the 30th: Wednesday the 25th, leaving the 26th, 27th and 30th).
 */
export function preparationDay(calendar: WorkingCalendar, month: string): string {
  let key = lastDayOf(month);
  let left = 3;
  while (left > 0) {
    if (calendar.isWorkingDay(key)) left -= 1;
    key = shiftDay(key, -1);
  }
  while (!calendar.isWorkingDay(key)) key = shiftDay(key, -1);
  return key;
}

/** A yyyy-MM-dd day as dd/MM/yyyy. */
const formatDayKey = (key: string) => `${key.slice(8, 10)}/${key.slice(5, 7)}/${key.slice(0, 4)}`;
/** Monday to Friday, for a service given no calendar. */
const MONDAY_TO_FRIDAY = new WorkingCalendar();

/** "tháng 11/2026". */
export const monthLabel = (month: string) => `tháng ${Number(month.slice(5, 7))}/${month.slice(0, 4)}`;

/** A month a report may be asked for: YYYY-MM, from 2020, not after the current month (Vietnam time). */
export function monthSchema(now: () => Date = () => new Date()) {
  return z
    .string()
    .trim()
    .regex(MONTH, "tháng dạng YYYY-MM, ví dụ 2026-11")
    .refine((v) => Number(v.slice(5, 7)) >= 1 && Number(v.slice(5, 7)) <= 12, "tháng từ 01 đến 12")
    .refine((v) => v >= "2020-01", "báo cáo có từ tháng 01/2020")
    .refine((v) => v <= monthOf(now()), "chưa đến tháng này (không lập báo cáo cho tháng sau tháng hiện tại)");
}

export const UNIT_CODE = /^\d{2}(\d{3})?$/;
export const unitCodeSchema = z.string().trim().regex(UNIT_CODE, "unit: mã xã/phường (5 chữ số) hoặc mã tỉnh/thành phố (2 chữ số)");

export const REPORT_FORMATS = ["json", "csv", "xlsx"] as const;

export const reportQuerySchema = (now?: () => Date) =>
  z
    .object({
      unit: unitCodeSchema,
      month: monthSchema(now),
      format: z.enum(REPORT_FORMATS, { message: "format: json, csv hoặc xlsx" }).default("json"),
    })
    .strict();

export const reportParamsSchema = (now?: () => Date) => z.object({ unit: unitCodeSchema, month: monthSchema(now) });

const SECTION_MAX = 20_000;
/** A section staff write for the report (printed and sent up): composed (NFC), no control or invisible characters. */
const section = (label: string) =>
  z
    .string({ message: `${label}: văn bản` })
    .max(SECTION_MAX, `${label}: tối đa ${SECTION_MAX.toLocaleString("vi-VN")} ký tự`)
    .refine((v) => !CONTROL.test(v) && !LONE_SURROGATE.test(v) && !NONCHARACTER.test(v), `${label}: có ký tự điều khiển không hợp lệ`)
    .refine((v) => !INVISIBLE.test(v), `${label}: có ký tự ẩn (khoảng trắng không độ rộng, ký tự đảo chiều chữ); hãy gõ lại`)
    .transform((v) => v.normalize("NFC"));

/** The sections staff write; any left out keeps what it had. */
export const sectionsSchema = z
  .object({
    results: section("results").optional(),
    strengths: section("strengths").optional(),
    limitations: section("limitations").optional(),
    proposals: section("proposals").optional(),
  })
  .strict();

export type Sections = { results: string; strengths: string; limitations: string; proposals: string };
export const SECTION_KEYS = ["results", "strengths", "limitations", "proposals"] as const;

// ───────────────────────── Figures ─────────────────────────

export const CHANNELS = ["COUNTER", "ONLINE", "POSTAL"] as const;
export const NOTICE_CHANNELS = ["TELEGRAM", "ZALO_OA", "ZNS", "SMS", "WEB", "SANDBOX", "NONE"] as const;
export const NOTICE_OUTCOMES = ["delivered", "sent", "failed", "unknown", "checking", "pending", "cancelled"] as const;
export const BOOKING_KINDS = ["RESULT_DELIVERY", "DOSSIER_COLLECTION"] as const;
export const HANDOVER_RESULTS = ["EARLY", "ON_TIME", "LATE"] as const;

type NoticeChannel = (typeof NOTICE_CHANNELS)[number];
type NoticeOutcome = (typeof NOTICE_OUTCOMES)[number];

/** One commune's counts, flat ("received.POSTAL" → n), so communes add up key by key. */
type Counts = Map<string, number>;

export interface ChannelNotices {
  channel: NoticeChannel;
  total: number;
  delivered: number;
  sent: number;
  failed: number;
  unknown: number;
  checking: number;
  pending: number;
  cancelled: number;
  /** Notices that ended on this channel after another one had been tried first. */
  fellBack: number;
}

export interface ReportFigures {
  received: { total: number; COUNTER: number; ONLINE: number; POSTAL: number };
  returned: { total: number; byPost: number; early: number; onTime: number; late: number; noDueDate: number };
  apologies: { total: number; late: number };
  handovers: { total: number; EARLY: number; ON_TIME: number; LATE: number };
  notices: {
    total: number;
    delivered: number;
    sent: number;
    failed: number;
    unknown: number;
    checking: number;
    pending: number;
    cancelled: number;
    fellBack: number;
    byChannel: ChannelNotices[];
    cost: { currency: "VND"; smsSegments: number; smsSegmentPrice: number; sms: number; zaloPaidMessages: number; zaloMessagePrice: number; zalo: number; total: number };
  };
  bookings: Record<(typeof BOOKING_KINDS)[number] | "total", { requested: number; completed: number; failed: number }>;
  announcements: { sent: number; recipients: number; reached: number; delivered: number };
}

export interface CommuneLine {
  code: string;
  name: string;
  received: number;
  receivedByPost: number;
  returned: number;
  returnedByPost: number;
  late: number;
  apologies: number;
  handovers: number;
  notices: number;
  noticesFailed: number;
  bookingsRequested: number;
  announcements: number;
}

export interface MonthlyReportView {
  unit: { code: string; name: string; level: "COMMUNE" | "PROVINCE" };
  month: string;
  monthLabel: string;
  period: { from: string; to: string };
  /** When the figures were counted (the submission's time once submitted). */
  countedAt: string;
  figures: ReportFigures;
  /** The province's communes, each with its main figures (one line for a commune's report). */
  communes: CommuneLine[];
  sections: Sections;
  status: "DRAFT" | "SUBMITTED";
  preparedAt: string | null;
  submittedAt: string | null;
  submittedBy: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The figures, frozen into MonthlyReport.figures on submission. */
interface FrozenFigures {
  countedAt: string;
  figures: ReportFigures;
  communes: CommuneLine[];
}

export interface ReportPrices {
  smsSegmentPrice: number;
  zaloMessagePrice: number;
}

export class ReportConflictError extends AppError {
  constructor(message: string) {
    super("CONFLICT", message);
  }
}

/** A timestamp column against an instant parameter, in UTC as Prisma stores it (index-friendly). */
const at = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')`;
/** The Vietnamese calendar day of a timestamp column (UTC+7 all year), as WorkingCalendar.dayKey reads it. */
const vnDay = (col: string) => `(${col} + interval '7 hours')::date`;

const ZALO_FREE_WINDOW = "interval '48 hours'";

const num = (v: unknown) => Number(v ?? 0);

/** A MonthlyReport row as `reportRow` reads it. */
interface ReportRow {
  results: string;
  strengths: string;
  limitations: string;
  proposals: string;
  status: "DRAFT" | "SUBMITTED";
  preparedAt: Date | null;
  figures: unknown;
  submittedAt: Date | null;
  submittedByName: string | null;
  updatedAt: Date;
  updatedBy: string | null;
}
const REPORT_COLUMNS = `results, strengths, limitations, proposals, status::text AS status, "preparedAt", figures, "submittedAt", "submittedByName", "updatedAt", "updatedBy"`;
/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = "23505";

export class MonthlyReportService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly prices: ReportPrices,
    private readonly options: { publicBaseUrl?: string; /** The working calendar (when a month's report may be submitted); Monday–Friday without it. */ calendar?: () => Promise<WorkingCalendar> } = {},
  ) {}

  /** The unit (a commune or a province) if the principal may see its report; otherwise "not found". */
  async resolveUnit(principal: Principal, unitCode: string): Promise<{ code: string; name: string; level: "COMMUNE" | "PROVINCE"; communes: { code: string; name: string }[] }> {
    const notFound = () => new NotFoundError(`Không có đơn vị ${unitCode} trong phạm vi của bạn (no such unit in your scope).`);
    const unit = (
      await this.pool.query<{ code: string; fullName: string; level: "COMMUNE" | "PROVINCE"; parentCode: string | null }>(
        `SELECT code, "fullName", level::text AS level, "parentCode" FROM "AdminUnit" WHERE code = $1`,
        [unitCode],
      )
    ).rows[0];
    if (!unit) throw notFound();
    const scope = unitScope(principal);
    if (scope !== null && scope !== unit.code && scope !== unit.parentCode) throw notFound();
    const communes =
      unit.level === "COMMUNE"
        ? [{ code: unit.code, name: unit.fullName }]
        : (await this.pool.query<{ code: string; name: string }>(`SELECT code, "fullName" AS name FROM "AdminUnit" WHERE "parentCode" = $1 AND level = 'COMMUNE' ORDER BY code`, [unit.code])).rows;
    return { code: unit.code, name: unit.fullName, level: unit.level, communes };
  }

  /**
   * The units a principal may pick on the report page: their commune; their province's roll-up and
   * its communes; for an admin, every province (a commune by its code in the address).
   */
  async unitsFor(principal: Principal): Promise<{ code: string; name: string; level: "COMMUNE" | "PROVINCE" }[]> {
    const scope = unitScope(principal);
    const { rows } = await this.pool.query<{ code: string; name: string; level: "COMMUNE" | "PROVINCE" }>(
      `SELECT code, "fullName" AS name, level::text AS level FROM "AdminUnit"
        WHERE CASE WHEN $1::text IS NULL THEN level = 'PROVINCE' ELSE code = $1 OR "parentCode" = $1 END
        ORDER BY level DESC, code`,
      [scope],
    );
    return rows;
  }

  /** The first province by code (an admin's report page opens on it). */
  async firstProvince(): Promise<string | null> {
    return (await this.pool.query<{ code: string }>(`SELECT code FROM "AdminUnit" WHERE level = 'PROVINCE' ORDER BY code LIMIT 1`)).rows[0]?.code ?? null;
  }

  /** A unit's report row for a month, if there is one. */
  private async reportRow(unitCode: string, month: string): Promise<ReportRow | undefined> {
    return (await this.pool.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM "MonthlyReport" WHERE "unitCode" = $1 AND month = $2`, [unitCode, month])).rows[0];
  }

  /** The report as it stands: live figures for a draft, the frozen ones once submitted. */
  async report(principal: Principal, unitCode: string, month: string, now = new Date()): Promise<MonthlyReportView> {
    const unit = await this.resolveUnit(principal, unitCode);
    const row = (await this.reportRow(unit.code, month)) ?? null;
    const frozen = row?.status === "SUBMITTED" && row.figures ? (row.figures as unknown as FrozenFigures) : null;
    const live = frozen ?? (await this.count(unit.communes.map((c) => c.code), month, now));
    const names = new Map(unit.communes.map((c) => [c.code, c.name]));
    return this.view(unit, month, live, row, names);
  }

  /** Counts the figures of these communes for a month (set-based SQL, grouped by commune). */
  async count(communeCodes: string[], month: string, now = new Date()): Promise<FrozenFigures> {
    const { from, to } = monthBounds(month);
    const perCommune = await this.countByCommune(communeCodes, from, to);
    const total: Counts = new Map();
    for (const counts of perCommune.values()) for (const [k, v] of counts) total.set(k, (total.get(k) ?? 0) + v);
    const communes = communeCodes.map((code) => {
      const c = perCommune.get(code) ?? new Map<string, number>();
      const g = (k: string) => c.get(k) ?? 0;
      return {
        code,
        name: "",
        received: g("received.total"),
        receivedByPost: g("received.POSTAL"),
        returned: g("returned.total"),
        returnedByPost: g("returned.byPost"),
        late: g("returned.late"),
        apologies: g("apologies.total"),
        handovers: g("handovers.total"),
        notices: g("notices.total"),
        noticesFailed: g("notices.failed"),
        bookingsRequested: g("bookings.total.requested"),
        announcements: g("announcements.sent"),
      };
    });
    return { countedAt: now.toISOString(), figures: this.figures(total), communes };
  }

  private figures(c: Counts): ReportFigures {
    const g = (k: string) => c.get(k) ?? 0;
    const byChannel: ChannelNotices[] = NOTICE_CHANNELS.map((channel) => ({
      channel,
      total: NOTICE_OUTCOMES.reduce((s, o) => s + g(`notices.${channel}.${o}`), 0),
      delivered: g(`notices.${channel}.delivered`),
      sent: g(`notices.${channel}.sent`),
      failed: g(`notices.${channel}.failed`),
      unknown: g(`notices.${channel}.unknown`),
      checking: g(`notices.${channel}.checking`),
      pending: g(`notices.${channel}.pending`),
      cancelled: g(`notices.${channel}.cancelled`),
      fellBack: g(`notices.${channel}.fellBack`),
    })).filter((ch) => ch.total > 0);
    const outcome = (o: NoticeOutcome) => byChannel.reduce((s, ch) => s + ch[o], 0);
    const smsSegments = g("cost.smsSegments");
    const zaloPaid = g("cost.zaloPaid");
    const sms = smsSegments * this.prices.smsSegmentPrice;
    const zalo = zaloPaid * this.prices.zaloMessagePrice;
    const booking = (kind: string) => ({ requested: g(`bookings.${kind}.requested`), completed: g(`bookings.${kind}.completed`), failed: g(`bookings.${kind}.failed`) });
    return {
      received: { total: g("received.total"), COUNTER: g("received.COUNTER"), ONLINE: g("received.ONLINE"), POSTAL: g("received.POSTAL") },
      returned: { total: g("returned.total"), byPost: g("returned.byPost"), early: g("returned.early"), onTime: g("returned.onTime"), late: g("returned.late"), noDueDate: g("returned.noDueDate") },
      apologies: { total: g("apologies.total"), late: g("apologies.late") },
      handovers: { total: g("handovers.total"), EARLY: g("handovers.EARLY"), ON_TIME: g("handovers.ON_TIME"), LATE: g("handovers.LATE") },
      notices: {
        total: byChannel.reduce((s, ch) => s + ch.total, 0),
        delivered: outcome("delivered"),
        sent: outcome("sent"),
        failed: outcome("failed"),
        unknown: outcome("unknown"),
        checking: outcome("checking"),
        pending: outcome("pending"),
        cancelled: outcome("cancelled"),
        fellBack: byChannel.reduce((s, ch) => s + ch.fellBack, 0),
        byChannel,
        cost: { currency: "VND", smsSegments, smsSegmentPrice: this.prices.smsSegmentPrice, sms, zaloPaidMessages: zaloPaid, zaloMessagePrice: this.prices.zaloMessagePrice, zalo, total: sms + zalo },
      },
      bookings: { RESULT_DELIVERY: booking("RESULT_DELIVERY"), DOSSIER_COLLECTION: booking("DOSSIER_COLLECTION"), total: booking("total") },
      announcements: { sent: g("announcements.sent"), recipients: g("announcements.recipients"), reached: g("announcements.reached"), delivered: g("announcements.delivered") },
    };
  }

  private async countByCommune(communes: string[], from: Date, to: Date): Promise<Map<string, Counts>> {
    const out = new Map<string, Counts>();
    const add = (commune: string | null, key: string, value: unknown) => {
      if (!commune) return;
      const n = num(value);
      if (!n) return;
      let c = out.get(commune);
      if (!c) out.set(commune, (c = new Map()));
      c.set(key, (c.get(key) ?? 0) + n);
    };
    const params = [communes, from.toISOString(), to.toISOString()];
    // Each count in a transaction of its own with room for its hash joins and aggregates in memory
    // (PostgreSQL's default 4 MB spills them to disk on a province's month).
    const q = async <R extends Record<string, unknown>>(sql: string): Promise<R[]> => {
      const client = await this.pool.connect();
      try {
        await client.query(`BEGIN READ ONLY`);
        await client.query(`SET LOCAL work_mem = '64MB'`);
        const rows = (await client.query<R>(sql, params)).rows;
        await client.query(`COMMIT`);
        return rows;
      } catch (error) {
        await client.query(`ROLLBACK`).catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    };

    const [received, returned, apologies, handovers, notices, bookings, broadcasts] = await Promise.all([
      // Dossiers received in the month, by how they came in (POSTAL: through the post).
      q<{ commune: string; channel: string; n: string }>(
        `SELECT "communeCode" AS commune, channel::text AS channel, count(*) AS n
           FROM "Dossier"
          WHERE "communeCode" = ANY($1::text[]) AND "receivedAt" >= ${at(2)} AND "receivedAt" < ${at(3)}
          GROUP BY 1, 2`,
      ),
      // Results returned in the month: a dossier's first RETURNED or DELIVERED event, when it falls in
      // the month; through the post when that event is DELIVERED or a result delivery was completed.
      // Early / on time / late by calendar day in Vietnam against the new due date (after an
      // apology) or the due date — the rule of WorkingCalendar.timeliness.
      q<Record<string, string>>(
        `WITH ret AS (
           SELECT e."dossierId", min(e."occurredAt") AS done,
                  min(e."occurredAt") FILTER (WHERE e.status = 'DELIVERED') = min(e."occurredAt") AS delivered
             FROM "DossierEvent" e
            WHERE e.status IN ('RETURNED', 'DELIVERED') AND e."occurredAt" >= ${at(2)} AND e."occurredAt" < ${at(3)}
            GROUP BY e."dossierId"
         ), posted AS (
           SELECT DISTINCT b."dossierId" FROM "DeliveryBooking" b
            WHERE b."communeCode" = ANY($1::text[]) AND b.kind = 'RESULT_DELIVERY' AND b.status = 'COMPLETED' AND b."dossierId" IS NOT NULL
         ), r AS (
           SELECT d."communeCode" AS commune, ret.done, COALESCE(d."newDueAt", d."dueAt") AS due, (ret.delivered OR p."dossierId" IS NOT NULL) AS by_post
             FROM ret JOIN "Dossier" d ON d.id = ret."dossierId"
             LEFT JOIN posted p ON p."dossierId" = ret."dossierId"
            WHERE d."communeCode" = ANY($1::text[])
              AND NOT EXISTS (SELECT 1 FROM "DossierEvent" p
                               WHERE p."dossierId" = ret."dossierId" AND p.status IN ('RETURNED', 'DELIVERED') AND p."occurredAt" < ${at(2)})
         )
         SELECT commune, count(*) AS total,
                count(*) FILTER (WHERE by_post) AS "byPost",
                count(*) FILTER (WHERE due IS NOT NULL AND ${vnDay("done")} < ${vnDay("due")}) AS early,
                count(*) FILTER (WHERE due IS NOT NULL AND ${vnDay("done")} = ${vnDay("due")}) AS "onTime",
                count(*) FILTER (WHERE due IS NOT NULL AND ${vnDay("done")} > ${vnDay("due")}) AS late,
                count(*) FILTER (WHERE due IS NULL) AS "noDueDate"
           FROM r GROUP BY commune`,
      ),
      q<{ commune: string; total: string; late: string }>(
        `SELECT d."communeCode" AS commune, count(*) AS total, count(*) FILTER (WHERE a.late) AS late
           FROM "Apology" a JOIN "Dossier" d ON d.id = a."dossierId"
          WHERE d."communeCode" = ANY($1::text[]) AND a."issuedAt" >= ${at(2)} AND a."issuedAt" < ${at(3)}
          GROUP BY 1`,
      ),
      q<{ commune: string; result: string; n: string }>(
        `SELECT d."communeCode" AS commune, h.result::text AS result, count(*) AS n
           FROM "Handover" h JOIN "Dossier" d ON d.id = h."dossierId"
          WHERE d."communeCode" = ANY($1::text[]) AND h."handedAt" >= ${at(2)} AND h."handedAt" < ${at(3)}
          GROUP BY 1, 2`,
      ),
      // Notices made in the month about a dossier of the communes or from one of their announcements,
      // by the channel they ended on (the one their plan is at: the channel of the last attempt, the
      // same as an announcement's progress reads it; NONE when the plan is empty — no channel
      // reached the citizen) and by their outcome as the dossier history reads it; fell back = moved
      // past the first channel of its plan. Cost, from the attempts: SMS segments and ZNS messages a
      // provider took (Twilio bills an accepted SMS even when it is not delivered) and Zalo OA
      // messages sent over 48 hours after the resident last wrote to the OA.
      q<{ kind: "n" | "c"; commune: string; channel: string | null; outcome: string | null; n: string | null; fell: string | null; segments: string | null; zalo: string | null }>(
        `WITH n AS MATERIALIZED (
           SELECT n.id, n.status, n."channelPlan"[n."channelIndex" + 1] AS channel, n."channelIndex" > 0 AS fell, d."communeCode" AS commune
             FROM "Notice" n JOIN "Dossier" d ON d.id = n."dossierId"
            WHERE n."createdAt" >= ${at(2)} AND n."createdAt" < ${at(3)} AND d."communeCode" = ANY($1::text[])
           UNION ALL
           SELECT n.id, n.status, n."channelPlan"[n."channelIndex" + 1], n."channelIndex" > 0, b."communeCode"
             FROM "Notice" n JOIN "Broadcast" b ON b.id = n."broadcastId"
            WHERE n."createdAt" >= ${at(2)} AND n."createdAt" < ${at(3)} AND b."communeCode" = ANY($1::text[])
         ), o AS (
           SELECT commune, channel, fell,
                  CASE status
                    WHEN 'DELIVERED' THEN 'delivered' WHEN 'SENT' THEN 'sent' WHEN 'FAILED' THEN 'failed' WHEN 'CANCELLED' THEN 'cancelled'
                    WHEN 'UNCONFIRMED' THEN CASE WHEN (SELECT a.outcome FROM "NoticeAttempt" a WHERE a."noticeId" = n.id ORDER BY a."startedAt" DESC, a."attemptNo" DESC LIMIT 1) = 'unknown' THEN 'unknown' ELSE 'checking' END
                    ELSE 'pending' END AS outcome
             FROM n
         )
         SELECT 'n' AS kind, commune, COALESCE(channel::text, 'NONE') AS channel, outcome, count(*) AS n, count(*) FILTER (WHERE fell) AS fell, NULL::numeric AS segments, NULL::bigint AS zalo
           FROM o GROUP BY commune, channel, outcome
         UNION ALL
         SELECT 'c', n.commune, NULL, NULL, NULL, NULL,
                COALESCE(sum(GREATEST(COALESCE(a.segments, 1), 1)) FILTER (
                  WHERE a.channel = 'SMS' AND (a.status IN ('SENT', 'DELIVERED', 'UNCONFIRMED') OR (a.status = 'FAILED' AND a."providerMessageId" IS NOT NULL))), 0),
                count(*) FILTER (
                  WHERE (a.channel = 'ZNS' AND (a.status IN ('SENT', 'DELIVERED', 'UNCONFIRMED') OR (a.status = 'FAILED' AND a."providerMessageId" IS NOT NULL)))
                     OR (a.channel = 'ZALO_OA' AND a.status IN ('SENT', 'DELIVERED', 'UNCONFIRMED') AND ci.id IS NOT NULL
                         AND (ci."lastInteractionAt" IS NULL OR ci."lastInteractionAt" < a."startedAt" - ${ZALO_FREE_WINDOW})))
           FROM n JOIN "NoticeAttempt" a ON a."noticeId" = n.id
           LEFT JOIN "ChannelIdentity" ci ON a.channel = 'ZALO_OA' AND ci.channel = 'ZALO_OA' AND ci."externalId" = a.recipient
          GROUP BY n.commune`,
      ),
      // Bookings requested (made), completed and failed in the month, by kind.
      q<{ commune: string; kind: string; requested: string; completed: string; failed: string }>(
        `SELECT "communeCode" AS commune, kind::text AS kind,
                count(*) FILTER (WHERE "createdAt" >= ${at(2)} AND "createdAt" < ${at(3)}) AS requested,
                count(*) FILTER (WHERE status = 'COMPLETED' AND "completedAt" >= ${at(2)} AND "completedAt" < ${at(3)}) AS completed,
                count(*) FILTER (WHERE status = 'FAILED' AND "failedAt" >= ${at(2)} AND "failedAt" < ${at(3)}) AS failed
           FROM "DeliveryBooking"
          WHERE "communeCode" = ANY($1::text[])
            AND (("createdAt" >= ${at(2)} AND "createdAt" < ${at(3)}) OR ("completedAt" >= ${at(2)} AND "completedAt" < ${at(3)}) OR ("failedAt" >= ${at(2)} AND "failedAt" < ${at(3)}))
          GROUP BY 1, 2`,
      ),
      // Announcements sent in the month: how many, the residents they were for, and those reached
      // (their notice delivered, or sent on a channel that gives no receipt).
      q<{ commune: string; sent: string; recipients: string; reached: string; delivered: string }>(
        `WITH b AS (
           SELECT id, "communeCode", "recipientsTotal" FROM "Broadcast"
            WHERE "communeCode" = ANY($1::text[]) AND status = 'SENT' AND "sentAt" >= ${at(2)} AND "sentAt" < ${at(3)}
         ), r AS (
           SELECT n."broadcastId", count(*) FILTER (WHERE n.status IN ('DELIVERED', 'SENT')) AS reached, count(*) FILTER (WHERE n.status = 'DELIVERED') AS delivered
             FROM "Notice" n WHERE n."broadcastId" IN (SELECT id FROM b) GROUP BY 1
         )
         SELECT b."communeCode" AS commune, count(*) AS sent, sum(b."recipientsTotal") AS recipients,
                COALESCE(sum(r.reached), 0) AS reached, COALESCE(sum(r.delivered), 0) AS delivered
           FROM b LEFT JOIN r ON r."broadcastId" = b.id GROUP BY 1`,
      ),
    ]);

    for (const r of received) {
      add(r.commune, `received.${r.channel}`, r.n);
      add(r.commune, "received.total", r.n);
    }
    for (const r of returned) for (const k of ["total", "byPost", "early", "onTime", "late", "noDueDate"]) add(r.commune!, `returned.${k}`, r[k]);
    for (const r of apologies) {
      add(r.commune, "apologies.total", r.total);
      add(r.commune, "apologies.late", r.late);
    }
    for (const r of handovers) {
      add(r.commune, `handovers.${r.result}`, r.n);
      add(r.commune, "handovers.total", r.n);
    }
    for (const r of notices) {
      if (r.kind === "c") {
        add(r.commune, "cost.smsSegments", r.segments);
        add(r.commune, "cost.zaloPaid", r.zalo);
        continue;
      }
      add(r.commune, `notices.${r.channel}.${r.outcome}`, r.n);
      add(r.commune, `notices.${r.channel}.fellBack`, r.fell);
      add(r.commune, "notices.total", r.n);
      if (r.outcome === "failed") add(r.commune, "notices.failed", r.n);
    }
    for (const r of bookings) {
      for (const k of ["requested", "completed", "failed"] as const) {
        add(r.commune, `bookings.${r.kind}.${k}`, r[k]);
        add(r.commune, `bookings.total.${k}`, r[k]);
      }
    }
    for (const r of broadcasts) {
      add(r.commune, "announcements.sent", r.sent);
      add(r.commune, "announcements.recipients", r.recipients);
      add(r.commune, "announcements.reached", r.reached);
      add(r.commune, "announcements.delivered", r.delivered);
    }
    return out;
  }

  private view(
    unit: { code: string; name: string; level: "COMMUNE" | "PROVINCE" },
    month: string,
    live: FrozenFigures,
    row: { results: string; strengths: string; limitations: string; proposals: string; status: "DRAFT" | "SUBMITTED"; preparedAt: Date | null; submittedAt: Date | null; submittedByName: string | null; updatedAt: Date; updatedBy: string | null } | null,
    names: Map<string, string>,
  ): MonthlyReportView {
    const { from, to } = monthBounds(month);
    return {
      unit,
      month,
      monthLabel: monthLabel(month),
      period: { from: from.toISOString(), to: to.toISOString() },
      countedAt: live.countedAt,
      figures: live.figures,
      communes: live.communes.map((c) => ({ ...c, name: names.get(c.code) ?? c.name })),
      sections: { results: row?.results ?? "", strengths: row?.strengths ?? "", limitations: row?.limitations ?? "", proposals: row?.proposals ?? "" },
      status: row?.status ?? "DRAFT",
      preparedAt: row?.preparedAt?.toISOString() ?? null,
      submittedAt: row?.submittedAt?.toISOString() ?? null,
      submittedBy: row?.submittedByName ?? null,
      updatedAt: row ? row.updatedAt.toISOString() : null,
      updatedBy: row?.updatedBy ?? null,
    };
  }

  private submittedError(month: string, row: { submittedAt: Date | null; submittedByName: string | null }) {
    const when = row.submittedAt ? formatDateTimeVi(row.submittedAt) : "";
    return new ReportConflictError(
      `Báo cáo ${monthLabel(month)} đã nộp${when ? ` lúc ${when}` : ""}${row.submittedByName ? ` (${row.submittedByName})` : ""}; báo cáo đã nộp không sửa được nữa (a submitted report cannot be edited).`,
    );
  }

  /**
   * The scheduled preparation: from three working days before the month's end (see
   * `preparationDay`) to the month's last day, every unit with active commune staff (a commune, or
   * a province for its province-level staff) gets its draft for the month, with `preparedAt` and
   * `remindedAt` set — the reminder is the notice on the console's home page (`reminderFor`).
   * Idempotent: a unit already prepared (or submitted) is left as it is. Returns the units prepared now.
   */
  async prepareDrafts(calendar: WorkingCalendar, now = new Date()): Promise<{ month: string; prepareOn: string; prepared: string[]; reminders: number }> {
    const month = monthOf(now);
    const prepareOn = preparationDay(calendar, month);
    if (dayKey(now) < prepareOn) return { month, prepareOn, prepared: [], reminders: 0 };
    const client = await this.pool.connect();
    let prepared: string[];
    let noticeIds: string[] = [];
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ unitCode: string }>(
      `INSERT INTO "MonthlyReport" (id, "unitCode", month, "preparedAt", "remindedAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), u.code, $1, $2::timestamptz AT TIME ZONE 'UTC', $2::timestamptz AT TIME ZONE 'UTC', $2::timestamptz AT TIME ZONE 'UTC', $2::timestamptz AT TIME ZONE 'UTC'
         FROM (SELECT DISTINCT s."unitCode" AS code FROM "StaffUser" s
                WHERE s.active AND s.role = 'COMMUNE_STAFF' AND s."unitCode" IS NOT NULL) u
       ON CONFLICT ("unitCode", month) DO UPDATE SET "preparedAt" = EXCLUDED."preparedAt", "remindedAt" = EXCLUDED."remindedAt"
         WHERE "MonthlyReport"."preparedAt" IS NULL AND "MonthlyReport".status = 'DRAFT'
       RETURNING "unitCode"`,
        [month, now.toISOString()],
      );
      prepared = rows.map((r) => r.unitCode).sort();
      // The same reminder on Telegram for the prepared units' staff who linked it (once each: keyed by member and month).
      const members = await client.query<{ id: string; fullName: string; unitCode: string; unitName: string | null; chatId: string }>(
        `SELECT s.id, s."fullName", s."unitCode", u."fullName" AS "unitName", s."telegramChatId" AS "chatId"
           FROM "StaffUser" s LEFT JOIN "AdminUnit" u ON u.code = s."unitCode"
          WHERE s.active AND s.role = 'COMMUNE_STAFF' AND s."telegramChatId" IS NOT NULL AND s."unitCode" = ANY($1::text[])
          ORDER BY s.username`,
        [prepared],
      );
      const last = lastDayOf(month);
      const lastDay = formatDayKey(last);
      const run = viaPg(client);
      for (const m of members.rows) {
        const identity = await client.query<{ id: string }>(
          `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "consentAt", "updatedAt") VALUES (gen_random_uuid(), 'TELEGRAM', $1, now(), now())
           ON CONFLICT (channel, "externalId") DO UPDATE SET "updatedAt" = "ChannelIdentity"."updatedAt" RETURNING id`,
          [m.chatId],
        );
        const link = this.options.publicBaseUrl ? `${this.options.publicBaseUrl.replace(/\/$/, "")}/staff/reports?unit=${encodeURIComponent(m.unitCode)}&month=${month}` : null;
        const variables: StaffReportReminderVariables = { staffName: m.fullName, unitName: m.unitName, monthLabel: monthLabel(month), lastDay, link };
        noticeIds.push(
          ...(await createNotices(run, [
            { type: "STAFF_REPORT_REMINDER", citizenId: null, identityId: identity.rows[0]!.id, variables, urgent: false, dedupeKey: `report-reminder:${m.id}:${month}`, channelPlan: ["TELEGRAM"] },
          ])),
        );
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      noticeIds = [];
      throw error;
    } finally {
      client.release();
    }
    await wakeRelay(viaPg(this.pool), noticeIds);
    return { month, prepareOn, prepared, reminders: noticeIds.length };
  }

  /**
   * The console's reminder for a principal's unit: its draft for the current month, prepared and
   * not yet submitted; null otherwise (and for principals without a unit).
   */
  async reminderFor(principal: Principal, now = new Date()): Promise<{ unitCode: string; month: string; monthLabel: string; lastDay: string; href: string } | null> {
    const scope = unitScope(principal);
    if (!scope) return null;
    const month = monthOf(now);
    const row = await this.reportRow(scope, month);
    if (!row?.preparedAt || row.status !== "DRAFT") return null;
    const last = lastDayOf(month);
    return { unitCode: scope, month, monthLabel: monthLabel(month), lastDay: formatDayKey(last), href: `/staff/reports?unit=${encodeURIComponent(scope)}&month=${month}` };
  }

  /** Saves the sections of a draft; a submitted report is a 409. */
  async saveSections(principal: Principal, unitCode: string, month: string, sections: z.output<typeof sectionsSchema>, now = new Date()): Promise<MonthlyReportView> {
    const unit = await this.resolveUnit(principal, unitCode);
    const data = Object.fromEntries(SECTION_KEYS.filter((k) => sections[k] !== undefined).map((k) => [k, sections[k]!.replace(/\r\n/g, "\n")]));
    const existing = await this.reportRow(unit.code, month);
    if (existing?.status === "SUBMITTED") throw this.submittedError(month, existing);
    if (!existing) {
      await this.pool
        .query(
          `INSERT INTO "MonthlyReport" (id, "unitCode", month, results, strengths, limitations, proposals, "updatedBy", "updatedAt")
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, now())`,
          [unit.code, month, data.results ?? "", data.strengths ?? "", data.limitations ?? "", data.proposals ?? "", principal.name],
        )
        .catch(async (error: { code?: string }) => {
          if (error?.code !== UNIQUE_VIOLATION) throw error; // made meanwhile: update it below
          await this.updateDraft(unit.code, month, data, principal.name);
        });
    } else {
      await this.updateDraft(unit.code, month, data, principal.name);
    }
    return this.report(principal, unit.code, month, now);
  }

  private async updateDraft(unitCode: string, month: string, data: Record<string, string>, by: string) {
    // A section left out keeps its text.
    const moved = await this.pool.query(
      `UPDATE "MonthlyReport" SET results = COALESCE($3, results), strengths = COALESCE($4, strengths), limitations = COALESCE($5, limitations),
              proposals = COALESCE($6, proposals), "updatedBy" = $7, "updatedAt" = now()
        WHERE "unitCode" = $1 AND month = $2 AND status = 'DRAFT'`,
      [unitCode, month, data.results ?? null, data.strengths ?? null, data.limitations ?? null, data.proposals ?? null, by],
    );
    if (!moved.rowCount) {
      const row = await this.reportRow(unitCode, month);
      if (!row) throw new NotFoundError(`Không có báo cáo ${monthLabel(month)} của đơn vị ${unitCode}.`);
      throw this.submittedError(month, row);
    }
  }

  /**
   * Submits the report: freezes its figures and records who and when. Every section must be
   * written, and the month's last working days must have come (from `preparationDay`): before, a
   * 400 naming the day, and nothing stored. Submitting again changes nothing and answers the report as submitted.
   */
  async submit(principal: Principal, unitCode: string, month: string, now = new Date()): Promise<{ report: MonthlyReportView; alreadySubmitted: boolean }> {
    const unit = await this.resolveUnit(principal, unitCode);
    const existing = await this.reportRow(unit.code, month);
    if (existing?.status === "SUBMITTED") return { report: await this.report(principal, unit.code, month, now), alreadySubmitted: true };
    // A month's figures are frozen once its last working days have come (the day drafts are
    // prepared, so the report still goes in before the month's last day), never mid-month.
    if (month >= monthOf(now)) {
      const opensOn = preparationDay(this.options.calendar ? await this.options.calendar() : MONDAY_TO_FRIDAY, month);
      if (dayKey(now) < opensOn) throw new ValidationError(`month: ${REPORT_TEXT.tooEarly(monthLabel(month), formatDayKey(opensOn))}`, { field: "month" });
    }
    const missing = SECTION_KEYS.find((k) => !(existing?.[k] ?? "").trim());
    if (missing) {
      throw new ValidationError(`${missing}: ${SECTIONS_MISSING}`, { field: missing });
    }
    const frozen = await this.count(unit.communes.map((c) => c.code), month, now);
    // The sections are checked again in the write itself: another officer's save may have emptied
    // one while the figures were being counted (a province's count takes seconds).
    const moved = await this.pool.query(
      `UPDATE "MonthlyReport" SET status = 'SUBMITTED', figures = $3::jsonb, "submittedAt" = $4::timestamptz, "submittedBy" = $5, "submittedByName" = $6, "updatedAt" = now()
        WHERE "unitCode" = $1 AND month = $2 AND status = 'DRAFT'
          AND btrim(results) <> '' AND btrim(strengths) <> '' AND btrim(limitations) <> '' AND btrim(proposals) <> ''`,
      [unit.code, month, JSON.stringify(frozen), now.toISOString(), `${principal.kind}:${principal.id}`, principal.name],
    );
    if (moved.rowCount === 0) {
      const row = await this.reportRow(unit.code, month);
      const emptied = row?.status === "DRAFT" ? SECTION_KEYS.find((k) => !(row[k] ?? "").trim()) : undefined;
      if (emptied) throw new ValidationError(`${emptied}: ${SECTIONS_MISSING}`, { field: emptied });
    }
    return { report: await this.report(principal, unit.code, month, now), alreadySubmitted: moved.rowCount === 0 };
  }
}
