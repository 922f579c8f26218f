/**
 * The console's home page: what needs attention in the signed-in member's unit — first the
 * overdue watch's dossiers (due within one working day or overdue, no result yet), then announcements
 * waiting for approval, scheduled or being sent, and notices that could not be delivered in the
 * last 7 days (about a dossier of the unit's communes, or from an announcement of the unit).
 * Confined to the unit by the guard's rule (unitScope: a commune, a province's communes, or
 * everything for an admin).
 */
import { AWAITING_DELIVERY_STATUSES } from "../bookings/booking-service.js";
import { can, unitScope, type Principal } from "../auth/guard.js";
import type { Db } from "../db/client.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { OverdueWatchService, WatchedDossier } from "./overdue-watch.js";

/** Watched dossiers listed on the home page (the rest are counted, with a link to the full list). */
export const HOME_WATCHED = 50;

export const FAILED_WINDOW_DAYS = 7;
const LATEST_FAILURES = 5;
const OPEN_BROADCASTS = 20;

/** A notice's lastError as staff read it (the sender writes the reasons in English for the logs). */
export function failureReasonLabel(lastError: string | null): string {
  const e = (lastError ?? "").toLowerCase();
  if (e.includes("no channel reaches")) return "Không có kênh nào liên lạc được người dân (chưa liên kết chat, không có số di động hợp lệ)";
  if (e.includes("no recipient")) return "Không có người nhận";
  if (e.includes("opted out")) return "Người dân đã từ chối nhận thông báo";
  if (e.includes("unknown notice type")) return "Loại thông báo không xác định";
  if (e.includes("blocked") || e.includes("unfollow")) return "Người dân đã chặn hoặc bỏ theo dõi kênh";
  if (e.includes("invalid") && e.includes("phone")) return "Số điện thoại không hợp lệ";
  return "Không gửi được qua kênh nào";
}

const BROADCAST_STATUS_LABELS = {
  AWAITING_APPROVAL: "Chờ duyệt",
  SCHEDULED: "Đã hẹn giờ gửi",
  SENDING: "Đang gửi",
} as const;

export interface ConsoleAttention {
  /** The overdue watch's dossiers of the unit (due within one working day or overdue, no result); null when the role may not read dossiers. */
  watched: { total: number; overdue: number; dossiers: WatchedDossier[] } | null;
  /** null when the member's role may not read announcements. */
  broadcasts: { id: string; title: string; status: keyof typeof BROADCAST_STATUS_LABELS; statusLabel: string; urgent: boolean; communeName: string; createdByName: string; createdAt: Date; scheduledAt: Date | null }[] | null;
  /** null when the member's role may read neither dossiers nor announcements. */
  failures: {
    count: number;
    since: Date;
    latest: { id: string; type: string; dossierCode: string | null; broadcastTitle: string | null; reason: string; failedAt: Date }[];
  } | null;
  /** The post office desk at a glance (null when the member's role may not move bookings): bookings by open status, and POSTAL results waiting for a delivery booking. */
  desk?: { requested: number; confirmed: number; dispatched: number; awaitingDelivery: number } | null;
}

export class StaffConsoleService {
  constructor(
    private readonly db: Db,
    private readonly watch?: OverdueWatchService,
  ) {}

  private communeFilter(principal: Principal): Prisma.AdminUnitWhereInput | undefined {
    const scope = unitScope(principal);
    return scope === null ? undefined : { OR: [{ code: scope }, { parentCode: scope }] };
  }

  async attention(principal: Principal, now = new Date()): Promise<ConsoleAttention> {
    const commune = this.communeFilter(principal);
    const readsBroadcasts = can(principal, "broadcasts:read");
    const readsDossiers = can(principal, "dossiers:read");
    const broadcasts = readsBroadcasts
      ? await this.db.broadcast.findMany({
          where: { status: { in: ["AWAITING_APPROVAL", "SCHEDULED", "SENDING"] }, ...(commune ? { commune } : {}) },
          orderBy: { createdAt: "desc" },
          take: OPEN_BROADCASTS,
          include: { commune: { select: { fullName: true } } },
        })
      : null;
    const watched = readsDossiers && this.watch ? await this.watch.watchedFor(principal, now, HOME_WATCHED) : null;
    let failures: ConsoleAttention["failures"] = null;
    if (readsBroadcasts || readsDossiers) {
      const since = new Date(now.getTime() - FAILED_WINDOW_DAYS * 86_400_000);
      const about: Prisma.NoticeWhereInput[] = [];
      if (readsDossiers) about.push(commune ? { dossier: { commune } } : { dossierId: { not: null } });
      if (readsBroadcasts) about.push(commune ? { broadcast: { commune } } : { broadcastId: { not: null } });
      const where: Prisma.NoticeWhereInput = { status: "FAILED", updatedAt: { gte: since }, OR: about };
      const [count, rows] = await Promise.all([
        this.db.notice.count({ where }),
        this.db.notice.findMany({
          where,
          orderBy: { updatedAt: "desc" },
          take: LATEST_FAILURES,
          select: { id: true, type: true, lastError: true, updatedAt: true, dossier: { select: { code: true } }, broadcast: { select: { title: true } } },
        }),
      ]);
      failures = {
        count,
        since,
        latest: rows.map((n) => ({ id: n.id, type: n.type, dossierCode: n.dossier?.code ?? null, broadcastTitle: n.broadcast?.title ?? null, reason: failureReasonLabel(n.lastError), failedAt: n.updatedAt })),
      };
    }
    const desk = can(principal, "bookings:move") ? await this.desk(principal) : null;
    return {
      desk,
      watched,
      broadcasts:
        broadcasts?.map((b) => ({
          id: b.id,
          title: b.title,
          status: b.status as keyof typeof BROADCAST_STATUS_LABELS,
          statusLabel: BROADCAST_STATUS_LABELS[b.status as keyof typeof BROADCAST_STATUS_LABELS],
          urgent: b.urgent,
          communeName: b.commune.fullName,
          createdByName: b.createdByName,
          createdAt: b.createdAt,
          scheduledAt: b.scheduledAt,
        })) ?? null,
      failures,
    };
  }

  /** Counts for the post office's home page (the same unit rule and "awaiting" rule as the desk, src/bookings/booking-service.ts). */
  private async desk(principal: Principal): Promise<NonNullable<ConsoleAttention["desk"]>> {
    const commune = this.communeFilter(principal);
    const grouped = await this.db.deliveryBooking.groupBy({ by: ["status"], where: { status: { in: ["REQUESTED", "CONFIRMED", "DISPATCHED"] }, ...(commune ? { commune } : {}) }, _count: true });
    const count = (status: string) => grouped.find((g) => g.status === status)?._count ?? 0;
    const awaitingDelivery = await this.db.dossier.count({
      where: {
        channel: "POSTAL",
        status: { in: AWAITING_DELIVERY_STATUSES },
        bookings: { none: { kind: "RESULT_DELIVERY", status: { in: ["REQUESTED", "CONFIRMED", "DISPATCHED", "COMPLETED"] } } },
        ...(commune ? { commune } : {}),
      },
    });
    return { requested: count("REQUESTED"), confirmed: count("CONFIRMED"), dispatched: count("DISPATCHED"), awaitingDelivery };
  }
}
