/**
 * A dossier's history as staff read it: its status events and every notice the citizen was sent,
 * each with its channels and what became of it — including an outcome that cannot be known (a
 * send cut short on a provider that cannot be asked), which is shown as such and never resent.
 * Confined to the reader's unit by the guard's rules: a dossier outside it is "not found".
 */
import { canTouchCommune, type Principal } from "../auth/guard.js";
import type { Db } from "../db/client.js";
import { NotFoundError } from "../errors.js";
import { NOTICE_OUTCOME_LABELS, STATUS_LABELS, type NoticeOutcome } from "../notifications/messages/vi.js";
import type { DossierNotice, NoticeStore } from "../notifications/notice-store.js";

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

export class DossierHistoryService {
  constructor(
    private readonly db: Db,
    private readonly notices: NoticeStore,
  ) {}

  async get(code: string, principal: Principal) {
    const dossier = await this.db.dossier.findUnique({
      where: { code: code.trim().toUpperCase() },
      include: {
        commune: { select: { code: true, fullName: true, parentCode: true } },
        applicant: { select: { fullName: true, phone: true } },
        events: { orderBy: [{ occurredAt: "asc" }, { receivedAt: "asc" }] },
      },
    });
    if (!dossier || !canTouchCommune(principal, dossier.commune ? { code: dossier.commune.code, parentCode: dossier.commune.parentCode } : null)) {
      throw new NotFoundError(`Không có hồ sơ ${code} trong đơn vị của bạn (no such dossier in your unit).`);
    }
    const notices = await this.notices.forDossier(dossier.id);
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
      applicant: { fullName: dossier.applicant.fullName, phone: dossier.applicant.phone },
      events: dossier.events.map((e) => ({ eventId: e.eventId, status: e.status, occurredAt: e.occurredAt, applied: e.applied, source: e.source, note: e.note, receivedAt: e.receivedAt })),
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
