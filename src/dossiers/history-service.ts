/**
 * A dossier's history as staff read it: its status events and every notice the citizen was sent,
 * each with its channels and what became of it — including an outcome that cannot be known (a
 * send cut short on a provider that cannot be asked), which is shown as such and never resent.
 * Confined to the reader's unit by the guard's rules: a dossier outside it is "not found".
 */
import { z } from "zod";
import { canTouchDossier, unitScope, type Principal } from "../auth/guard.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { DossierStatus } from "../generated/prisma/enums.js";
import type { Db } from "../db/client.js";
import { NotFoundError } from "../errors.js";
import { BOOKING_STATUS_LABELS } from "../text/staff-vi.js";
import { NOTICE_OUTCOME_LABELS, STATUS_LABELS, type NoticeOutcome } from "../notifications/messages/vi.js";
import type { DossierNotice, NoticeStore } from "../notifications/notice-store.js";
import type { CalendarService } from "../calendar/calendar-service.js";
import { lateness, RESULT_OR_ENDED, RESULT_STATUSES, resultTime, type Lateness } from "../calendar/lateness.js";
import { latenessLabel } from "../text/staff-vi.js";

/** A dossier's lateness as the API shows it: the state, how many working days, and a Vietnamese label. */
function latenessView(l: Lateness) {
  return { state: l.state, label: latenessLabel(l), workingDays: l.workingDays, dueAt: l.dueAt, moved: l.moved, resultAt: l.resultAt };
}
import { handoverView } from "./handover-service.js";
import { POSTAL_STEP_STATUSES } from "./handover-rules.js";

const utc = (value: string | null): string | null => (value === null ? null : new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`).toISOString());

/** What became of a notice, in one word. */
export function noticeOutcome(n: Pick<DossierNotice, "status" | "checkAt" | "attempts">): NoticeOutcome {
  switch (n.status) {
    case "DELIVERED":
      return "delivered";
    case "SENT":
      return "sent";
    case "FAILED":
      return "failed";
    case "CANCELLED":
      return "cancelled";
    case "UNCONFIRMED":
      return n.attempts.at(-1)?.outcome === "unknown" ? "unknown" : "checking";
    default:
      return "pending";
  }
}

const STATUSES = [
  "REGISTERED", "RECEIVED", "REFUSED", "PROCESSING", "SUPPLEMENT_REQUIRED", "PAYMENT_REQUIRED", "WITHDRAWN", "STOPPED", "RESULT_READY",
  "RETURNED", "DELAYED", "POSTAL_COLLECTED", "POSTAL_HANDED_TO_DESK", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_FAILED",
] as const satisfies readonly DossierStatus[];

export { RESULT_OR_ENDED };
const RETURNED_BY_POST: DossierStatus[] = ["RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_FAILED"];

const bool = z.enum(["true", "false"]).transform((v) => v === "true");
// One message for the union: zod's own for a value neither form takes is "Invalid input", in English.
// The messages do not name the field: the API puts its name before them (parseOrThrow), the
// console page its label.
const instant = () =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], { message: "thời điểm ISO 8601 (ví dụ 2026-12-01T00:00:00+07:00) hoặc ngày dạng YYYY-MM-DD" })
    .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00+07:00` : v))
    .refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100, "năm từ 2000 đến 2100");
const STATUS_SET: ReadonlySet<string> = new Set(STATUSES);

/** The filters of a unit's dossier list (query string). */
export const dossierListQuery = z
  .object({
    // checked as one field ("status", not "status.0"); the unknown values are not echoed back
    status: z
      .string()
      .transform((v, ctx) => {
        const values = [...new Set(v.split(",").map((x) => x.trim().toUpperCase()).filter(Boolean))];
        const unknown = values.filter((x) => !STATUS_SET.has(x));
        if (unknown.length === 0) return values as (typeof STATUSES)[number][];
        ctx.addIssue({ code: "custom", message: "trạng thái không có trong danh sách; dùng một hoặc nhiều trạng thái hồ sơ (REGISTERED, PROCESSING, …), cách nhau bằng dấu phẩy" });
        return z.NEVER;
      })
      .optional(),
    /** Past its due date (the new one after an apology) and still without a result. */
    overdue: bool.optional(),
    dueBefore: instant().optional(),
    dueAfter: instant().optional(),
    receivedFrom: instant().optional(),
    receivedTo: instant().optional(),
    channel: z.enum(["COUNTER", "ONLINE", "POSTAL"], { message: "COUNTER, ONLINE hoặc POSTAL" }).optional(),
    /** Its result went, or is going, home through the post. */
    returnedByPost: bool.optional(),
    procedureCode: z.string().trim().max(40).optional(),
    communeCode: z.string().trim().regex(/^\d{5}$/, "mã xã/phường gồm 5 chữ số").optional(),
    /** Part of the dossier code, or of the applicant's name. */
    q: z.string().trim().min(2, "ít nhất 2 ký tự").max(100).transform((v) => v.normalize("NFC")).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

/** A phone shown in a list: only its last two digits. */
const maskPhone = (phone: string | null) => (phone ? `…${phone.slice(-2)}` : null);

export class DossierHistoryService {
  constructor(
    private readonly db: Db,
    private readonly notices: NoticeStore,
    /** The working calendar, for lateness in working days. */
    private readonly calendar: CalendarService,
  ) {}

  /**
   * The dossiers of the principal's unit, newest first, with the filters of `dossierListQuery`.
   * Each says whether it is overdue now (past its due date, or the new one after an apology, with no result yet).
   */
  async list(principal: Principal, query: z.output<typeof dossierListQuery>, now = new Date()) {
    const scope = unitScope(principal);
    const and: Prisma.DossierWhereInput[] = [];
    if (scope) and.push({ commune: { OR: [{ code: scope }, { parentCode: scope }] } });
    if (query.communeCode) and.push({ communeCode: query.communeCode });
    if (query.status?.length) and.push({ status: { in: query.status } });
    if (query.overdue !== undefined) {
      const late: Prisma.DossierWhereInput = {
        status: { notIn: RESULT_OR_ENDED },
        OR: [{ newDueAt: { lt: now } }, { newDueAt: null, dueAt: { lt: now } }],
      };
      // Spelled out rather than NOT(late): a NULL due date would make NOT(...) NULL and hide the dossier.
      const notLate: Prisma.DossierWhereInput = {
        OR: [{ status: { in: RESULT_OR_ENDED } }, { newDueAt: { gte: now } }, { newDueAt: null, OR: [{ dueAt: null }, { dueAt: { gte: now } }] }],
      };
      and.push(query.overdue ? late : notLate);
    }
    if (query.dueBefore) and.push({ OR: [{ newDueAt: { lt: query.dueBefore } }, { newDueAt: null, dueAt: { lt: query.dueBefore } }] });
    if (query.dueAfter) and.push({ OR: [{ newDueAt: { gte: query.dueAfter } }, { newDueAt: null, dueAt: { gte: query.dueAfter } }] });
    if (query.receivedFrom) and.push({ receivedAt: { gte: query.receivedFrom } });
    if (query.receivedTo) and.push({ receivedAt: { lt: query.receivedTo } });
    if (query.channel) and.push({ channel: query.channel });
    if (query.returnedByPost !== undefined) {
      const post: Prisma.DossierWhereInput = { OR: [{ status: { in: RETURNED_BY_POST } }, { bookings: { some: { kind: "RESULT_DELIVERY", status: { notIn: ["CANCELLED"] } } } }] };
      and.push(query.returnedByPost ? post : { NOT: post });
    }
    if (query.procedureCode) and.push({ procedureCode: query.procedureCode });
    if (query.q) {
      // Prisma's contains is a LIKE pattern: "%" and "_" would match anything. Escaped, q is the text typed.
      const text = query.q.replace(/[\\%_]/g, (c) => `\\${c}`);
      and.push({ OR: [{ code: { contains: text.toUpperCase() } }, { applicant: { fullName: { contains: text, mode: "insensitive" } } }] });
    }
    const where: Prisma.DossierWhereInput = { AND: and };
    const [total, rows] = await Promise.all([
      this.db.dossier.count({ where }),
      this.db.dossier.findMany({
        where,
        orderBy: [{ receivedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }, { id: "desc" }],
        skip: query.offset,
        take: query.limit,
        include: { commune: { select: { code: true, fullName: true } }, applicant: { select: { fullName: true, phone: true } } },
      }),
    ]);
    const [calendar, results] = await Promise.all([
      this.calendar.calendar(),
      rows.length
        ? this.db.dossierEvent.groupBy({ by: ["dossierId"], where: { dossierId: { in: rows.map((d) => d.id) }, status: { in: [...RESULT_STATUSES] } }, _min: { occurredAt: true } })
        : Promise.resolve([]),
    ]);
    const resultAt = new Map(results.map((r) => [r.dossierId, r._min.occurredAt]));
    return {
      total,
      offset: query.offset,
      dossiers: rows.map((d) => {
        const due = d.newDueAt ?? d.dueAt;
        return {
          code: d.code,
          status: d.status,
          statusLabel: STATUS_LABELS[d.status as keyof typeof STATUS_LABELS] ?? d.status,
          procedure: { code: d.procedureCode, name: d.procedureName },
          commune: d.commune ? { code: d.commune.code, name: d.commune.fullName } : null,
          channel: d.channel,
          applicant: { fullName: d.applicant.fullName, phone: maskPhone(d.applicant.phone) },
          receivedAt: d.receivedAt,
          dueAt: d.dueAt,
          newDueAt: d.newDueAt,
          overdue: due !== null && due.getTime() < now.getTime() && !RESULT_OR_ENDED.includes(d.status),
          /** Lateness in working days: early / on time / late with a result; overdue, due soon or pending without. */
          lateness: latenessView(lateness({ status: d.status, dueAt: d.dueAt, newDueAt: d.newDueAt, resultAt: resultAt.get(d.id) ?? null, statusAt: d.statusAt }, calendar, now)),
        };
      }),
    };
  }

  async get(code: string, principal: Principal, now = new Date()) {
    const dossier = await this.db.dossier.findUnique({
      where: { code: code.trim().toUpperCase() },
      include: {
        commune: { select: { code: true, fullName: true, parentCode: true } },
        applicant: { select: { fullName: true, phone: true } },
        events: { orderBy: [{ occurredAt: "asc" }, { receivedAt: "asc" }] },
        handovers: { orderBy: [{ handedAt: "asc" }, { createdAt: "asc" }] },
        apology: true,
        bookings: { orderBy: { createdAt: "asc" } },
      },
    });
    const handledByPost = dossier !== null && (dossier.channel === "POSTAL" || dossier.bookings.length > 0 || dossier.events.some((e) => (POSTAL_STEP_STATUSES as readonly string[]).includes(e.status)));
    if (!dossier || !canTouchDossier(principal, { commune: dossier.commune ? { code: dossier.commune.code, parentCode: dossier.commune.parentCode } : null, handledByPost })) {
      throw new NotFoundError(`Không có hồ sơ ${code} trong đơn vị của bạn (no such dossier in your unit).`);
    }
    const [notices, calendar] = await Promise.all([this.notices.forDossier(dossier.id), this.calendar.calendar()]);
    const late = lateness({ status: dossier.status, dueAt: dossier.dueAt, newDueAt: dossier.newDueAt, resultAt: resultTime(dossier.events), statusAt: dossier.statusAt }, calendar, now);
    return {
      code: dossier.code,
      status: dossier.status,
      statusLabel: STATUS_LABELS[dossier.status as keyof typeof STATUS_LABELS] ?? dossier.status,
      statusAt: dossier.statusAt,
      procedure: { code: dossier.procedureCode, name: dossier.procedureName },
      commune: dossier.commune ? { code: dossier.commune.code, name: dossier.commune.fullName } : null,
      channel: dossier.channel,
      receivedAt: dossier.receivedAt,
      dueAt: dossier.dueAt,
      newDueAt: dossier.newDueAt,
      lateness: latenessView(late),
      applicant: { fullName: dossier.applicant.fullName, phone: dossier.applicant.phone },
      events: dossier.events.map((e) => ({ eventId: e.eventId, status: e.status, occurredAt: e.occurredAt, applied: e.applied, source: e.source, note: e.note, receivedAt: e.receivedAt })),
      /** The lines of the process control form (form 05), oldest first. */
      handovers: dossier.handovers.map(handoverView),
      /** The apology and new appointment (form 04), if one was issued. */
      apology: dossier.apology
        ? { reason: dossier.apology.reason, previousDueAt: dossier.apology.previousDueAt, newDueAt: dossier.apology.newDueAt, issuedAt: dossier.apology.issuedAt, late: dossier.apology.late, issuedByName: dossier.apology.issuedByName }
        : null,
      /** The post office's bookings for it (result deliveries), oldest first, as the desk records them. */
      bookings: dossier.bookings.map((b) => ({
        reference: b.reference,
        kind: b.kind,
        status: b.status,
        statusLabel: BOOKING_STATUS_LABELS[b.status],
        addressLine: b.addressLine,
        timeWindow: b.timeWindow,
        waybillCode: b.waybillCode,
        createdAt: b.createdAt,
        dispatchedAt: b.dispatchedAt,
        completedAt: b.completedAt,
        failedAt: b.failedAt,
        failureReason: b.failureReason,
        retryPaidBy: b.retryPaidBy,
      })),
      notices: notices.map((n) => {
        const outcome = noticeOutcome(n);
        return {
          id: n.id,
          type: n.type,
          status: n.status,
          outcome,
          outcomeLabel: NOTICE_OUTCOME_LABELS[outcome],
          createdAt: n.createdAt,
          sentAt: n.sentAt,
          deliveredAt: n.deliveredAt,
          lastError: n.lastError,
          channelPlan: n.channelPlan,
          attempts: n.attempts.map((a) => ({ ...a, startedAt: utc(a.startedAt), sentAt: utc(a.sentAt), deliveredAt: utc(a.deliveredAt), failedAt: utc(a.failedAt) })),
        };
      }),
    };
  }
}
