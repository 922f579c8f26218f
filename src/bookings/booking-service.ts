/**
 * Postal bookings: the post office brings a result home, or collects a dossier from home.
 * Citizens create and cancel them (until dispatched); post office staff see those of their unit
 * and move them forward.
 */
import { randomBytes } from "node:crypto";
import { unitCovers } from "../auth/guard.js";
import type { Db } from "../db/client.js";
import type { BookingKind, BookingStatus } from "../generated/prisma/enums.js";
import { AppError, NotFoundError, ValidationError } from "../errors.js";
import { NOTICE_CHANNEL } from "../dossiers/ingest-service.js";
import type { BookingNoticeVariables } from "../notifications/notice-types.js";

export interface NewBooking {
  kind: BookingKind;
  dossierId?: string | null;
  procedureCode?: string | null;
  citizenId?: string | null;
  identity?: { channel: "TELEGRAM" | "ZALO_OA"; externalId: string } | null;
  recipientName: string;
  recipientPhone: string;
  communeCode: string;
  addressLine: string;
  timeWindow: string;
  postage: number;
}

/** Allowed moves; anything else is refused. */
const NEXT: Record<BookingStatus, BookingStatus[]> = {
  REQUESTED: ["CONFIRMED", "DISPATCHED", "CANCELLED", "FAILED"],
  CONFIRMED: ["DISPATCHED", "CANCELLED", "FAILED"],
  DISPATCHED: ["COMPLETED", "FAILED"],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

export const CANCELLABLE: BookingStatus[] = ["REQUESTED", "CONFIRMED"];

function reference(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return `BD-${Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join("")}`;
}

export class BookingService {
  constructor(private readonly db: Db) {}

  /** The citizen with this phone (E.164), created when new: a collection booking's applicant. */
  async citizenFor(phoneE164: string, fullName: string): Promise<string> {
    const citizen = await this.db.citizen.upsert({ where: { phone: phoneE164 }, create: { phone: phoneE164, fullName }, update: {} });
    return citizen.id;
  }

  async create(input: NewBooking) {
    const identity = input.identity
      ? await this.db.channelIdentity.upsert({
          where: { channel_externalId: { channel: input.identity.channel, externalId: input.identity.externalId } },
          create: { channel: input.identity.channel, externalId: input.identity.externalId, citizenId: input.citizenId ?? null },
          update: {},
        })
      : null;
    return this.db.deliveryBooking.create({
      data: {
        reference: reference(),
        kind: input.kind,
        dossierId: input.dossierId ?? null,
        procedureCode: input.procedureCode ?? null,
        citizenId: input.citizenId ?? null,
        identityId: identity?.id ?? null,
        recipientName: input.recipientName,
        recipientPhone: input.recipientPhone,
        communeCode: input.communeCode,
        addressLine: input.addressLine,
        timeWindow: input.timeWindow,
        postage: input.postage,
      },
      include: { commune: { select: { fullName: true } } },
    });
  }

  /** A conversation's bookings: those it made, and those of the dossiers it proved a link to. */
  async forConversation(references: string[], dossierCodes: string[]) {
    if (references.length === 0 && dossierCodes.length === 0) return [];
    return this.db.deliveryBooking.findMany({
      where: { OR: [{ reference: { in: references } }, { dossier: { code: { in: dossierCodes } } }] },
      orderBy: { createdAt: "desc" },
      include: { dossier: { select: { code: true } }, procedure: { select: { name: true } } },
    });
  }

  async cancelByCitizen(referenceCode: string, references: string[], dossierCodes: string[]): Promise<"cancelled" | "not-found" | "too-late"> {
    if (!references.includes(referenceCode) && dossierCodes.length === 0) return "not-found";
    const booking = await this.db.deliveryBooking.findFirst({
      where: { reference: referenceCode, OR: [{ reference: { in: references } }, { dossier: { code: { in: dossierCodes } } }] },
    });
    if (!booking) return "not-found";
    const moved = await this.db.deliveryBooking.updateMany({ where: { id: booking.id, status: { in: CANCELLABLE } }, data: { status: "CANCELLED", cancelledAt: new Date() } });
    return moved.count === 1 ? "cancelled" : "too-late";
  }

  /** Bookings of a unit (a commune, or a province's communes; null: all), newest first. `unitCode` comes from the guard's unitScope. */
  async forUnit(unitCode: string | null, status?: BookingStatus) {
    return this.db.deliveryBooking.findMany({
      where: {
        ...(status ? { status } : {}),
        ...(unitCode ? { OR: [{ communeCode: unitCode }, { commune: { parentCode: unitCode } }] } : {}),
      },
      orderBy: { createdAt: "desc" },
      take: 500,
      include: { commune: { select: { fullName: true } }, dossier: { select: { code: true } } },
    });
  }

  async move(referenceCode: string, to: BookingStatus, unitCode: string | null, details: { waybillCode?: string; note?: string } = {}) {
    const booking = await this.db.deliveryBooking.findUnique({ where: { reference: referenceCode }, include: { commune: { select: { parentCode: true } } } });
    if (!booking || (unitCode && !unitCovers(unitCode, { code: booking.communeCode, parentCode: booking.commune.parentCode }))) throw new NotFoundError(`Không có lịch hẹn ${referenceCode} trong đơn vị của khóa này (no such booking in this key's unit).`);
    if (!NEXT[booking.status].includes(to)) throw new AppError("CONFLICT", `Không chuyển được lịch hẹn từ ${booking.status} sang ${to} (a booking cannot move from ${booking.status} to ${to}).`);
    if (to === "DISPATCHED" && !details.waybillCode && !booking.waybillCode) throw new ValidationError("waybillCode: mã vận đơn là bắt buộc khi phát (a waybill code is required to dispatch)", { field: "waybillCode" });
    // The move and the citizen's notice are written together (the notice is the outbox row).
    await this.db.$transaction(async (tx) => {
      const moved = await tx.deliveryBooking.updateMany({
        where: { id: booking.id, status: booking.status },
        data: { status: to, ...(details.waybillCode ? { waybillCode: details.waybillCode } : {}), ...(details.note ? { note: details.note } : {}), ...(to === "CANCELLED" ? { cancelledAt: new Date() } : {}) },
      });
      if (moved.count === 0) throw new AppError("CONFLICT", "Lịch hẹn vừa được người khác cập nhật; vui lòng tải lại (changed meanwhile).");
      if (!booking.citizenId || to === "REQUESTED") return;
      const full = await tx.deliveryBooking.findUniqueOrThrow({ where: { id: booking.id }, include: { dossier: { select: { code: true } }, procedure: { select: { name: true } } } });
      const variables: BookingNoticeVariables = {
        reference: full.reference,
        kind: full.kind,
        status: to,
        subject: full.kind === "DOSSIER_COLLECTION" ? (full.procedure?.name ?? "") : (full.dossier?.code ?? ""),
        timeWindow: full.timeWindow,
        waybillCode: full.waybillCode,
        note: details.note ?? null,
      };
      const notice = await tx.notice.create({
        data: { type: "BOOKING_UPDATE", citizenId: booking.citizenId, dossierId: booking.dossierId, variables: variables as object, dedupeKey: `booking:${booking.id}:${to}` },
      });
      await tx.$executeRaw`SELECT pg_notify(${NOTICE_CHANNEL}, ${notice.id})`;
    });
    return this.db.deliveryBooking.findUniqueOrThrow({ where: { id: booking.id } });
  }
}
