/**
 * Postal bookings: the post office brings a result home, or collects a dossier from home.
 * Citizens create and cancel them (until dispatched), each time with a one-time code sent to the
 * phone on record; post office staff see those of their unit and move them forward. A result is
 * addressed to the applicant named on the dossier, or to a person holding the applicant's mandate
 * when the citizen said so, and is handed over only on sight of that person's ID.
 */
import { randomBytes } from "node:crypto";
import { unitCovers } from "../auth/guard.js";
import type { Db } from "../db/client.js";
import type { BookingKind, BookingStatus, DossierStatus } from "../generated/prisma/enums.js";
import { AppError, NotFoundError, ValidationError } from "../errors.js";
import { createNotices, viaPrisma, wakeRelay } from "../notifications/notice-store.js";

import { NOTICE_POLICIES, type BookingNoticeVariables } from "../notifications/notice-types.js";
import { assertConfirmed, type Confirmation } from "../verification/one-time-codes.js";

export interface NewBooking {
  kind: BookingKind;
  dossierId?: string | null;
  procedureCode?: string | null;
  citizenId?: string | null;
  identity?: { channel: "TELEGRAM" | "ZALO_OA"; externalId: string } | null;
  /** RESULT_DELIVERY: true = the applicant named on the dossier; false = a person with the applicant's mandate. */
  recipientIsApplicant?: boolean;
  recipientName: string;
  recipientPhone: string;
  communeCode: string;
  addressLine: string;
  timeWindow: string;
  postage: number;
}

/** What the post office must check before handing over (shown to staff with every booking). */
export function handOverRule(kind: BookingKind, recipientIsApplicant: boolean): string {
  if (kind === "DOSSIER_COLLECTION") return "Đối chiếu CCCD của người nộp hồ sơ khi nhận hồ sơ (check the applicant's ID when collecting).";
  return recipientIsApplicant
    ? "Chỉ trao kết quả khi xem CCCD của người nhận có tên trên, là người nộp hồ sơ (hand over only on sight of the named applicant's ID)."
    : "Chỉ trao kết quả khi xem CCCD của người nhận có tên trên và giấy ủy quyền của người nộp hồ sơ (hand over only on sight of the named recipient's ID and the applicant's mandate).";
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

export /** Dossier statuses in which its result exists (ready at the desk, with the post, on its way, handed over or failed to be). */
const RESULT_EXISTS: DossierStatus[] = ["RESULT_READY", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_FAILED"];

const CANCELLABLE: BookingStatus[] = ["REQUESTED", "CONFIRMED"];

function reference(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return `BD-${Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join("")}`;
}

export class BookingService {
  constructor(private readonly db: Db) {}

  /** The citizen with this phone (E.164), created when new: a collection booking's applicant. */
  async citizenFor(phoneE164: string, fullName: string | null): Promise<string> {
    const citizen = await this.db.citizen.upsert({ where: { phone: phoneE164 }, create: { phone: phoneE164, fullName }, update: {} });
    return citizen.id;
  }

  /**
   * Creates a booking confirmed by a BOOKING code: for a delivery, one sent to the dossier's
   * applicant (subject: the dossier id); for a collection, one sent to the phone given (subject: it, E.164).
   */
  async create(input: NewBooking, confirmation: Confirmation) {
    if (input.kind === "RESULT_DELIVERY") {
      if (!input.dossierId) throw new ValidationError("dossierId: a delivery needs its dossier");
      assertConfirmed(confirmation, "BOOKING", input.dossierId);
    } else {
      assertConfirmed(confirmation, "BOOKING", `+84${input.recipientPhone.replace(/^0/, "")}`);
    }
    const identity = input.identity
      ? await this.db.channelIdentity.upsert({
          where: { channel_externalId: { channel: input.identity.channel, externalId: input.identity.externalId } },
          create: { channel: input.identity.channel, externalId: input.identity.externalId, citizenId: input.citizenId ?? null },
          update: {},
        })
      : null;
    const data = {
        reference: reference(),
        kind: input.kind,
        dossierId: input.dossierId ?? null,
        procedureCode: input.procedureCode ?? null,
        citizenId: input.citizenId ?? null,
        identityId: identity?.id ?? null,
        recipientName: input.recipientName,
        recipientIsApplicant: input.kind === "RESULT_DELIVERY" ? (input.recipientIsApplicant ?? true) : true,
        recipientPhone: input.recipientPhone,
        communeCode: input.communeCode,
        addressLine: input.addressLine,
        timeWindow: input.timeWindow,
        postage: input.postage,
    };
    const include = { commune: { select: { fullName: true } } } as const;
    if (input.kind !== "RESULT_DELIVERY" || !input.dossierId) return { ...(await this.db.deliveryBooking.create({ data, include })), alreadyBooked: false };
    // One active delivery per dossier: a second request (a double submit, another chat) gets the one already made.
    const dossierId = input.dossierId;
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`booking:${dossierId}:RESULT_DELIVERY`}))::text`;
      const active = await tx.deliveryBooking.findFirst({ where: { dossierId, kind: "RESULT_DELIVERY", status: { in: ["REQUESTED", "CONFIRMED", "DISPATCHED"] } }, include, orderBy: { createdAt: "asc" } });
      if (active) return { ...active, alreadyBooked: true };
      return { ...(await tx.deliveryBooking.create({ data, include })), alreadyBooked: false };
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

  /** A booking this conversation may cancel (one it made, or of a dossier it proved a link to), to send the code for. */
  async cancellable(referenceCode: string, references: string[], dossierCodes: string[]): Promise<{ citizenId: string | null; dossierId: string | null; open: boolean } | null> {
    if (!references.includes(referenceCode) && dossierCodes.length === 0) return null;
    const booking = await this.db.deliveryBooking.findFirst({
      where: { reference: referenceCode, OR: [{ reference: { in: references } }, { dossier: { code: { in: dossierCodes } } }] },
    });
    return booking ? { citizenId: booking.citizenId, dossierId: booking.dossierId, open: CANCELLABLE.includes(booking.status) } : null;
  }

  /** Cancels a booking, confirmed by a CANCEL_BOOKING code (sent to the booking citizen's phone). */
  async cancelByCitizen(referenceCode: string, references: string[], dossierCodes: string[], confirmation: Confirmation): Promise<"cancelled" | "not-found" | "too-late"> {
    assertConfirmed(confirmation, "CANCEL_BOOKING", referenceCode);
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
    const booking = await this.db.deliveryBooking.findUnique({ where: { reference: referenceCode }, include: { commune: { select: { parentCode: true } }, dossier: { select: { code: true, status: true } } } });
    if (!booking || (unitCode && !unitCovers(unitCode, { code: booking.communeCode, parentCode: booking.commune.parentCode }))) throw new NotFoundError(`Không có lịch hẹn ${referenceCode} trong đơn vị của khóa này (no such booking in this key's unit).`);
    if (!NEXT[booking.status].includes(to)) throw new AppError("CONFLICT", `Không chuyển được lịch hẹn từ ${booking.status} sang ${to} (a booking cannot move from ${booking.status} to ${to}).`);
    // A result goes out only once it exists: not while the dossier is still being processed.
    if (booking.kind === "RESULT_DELIVERY" && (to === "DISPATCHED" || to === "COMPLETED") && !RESULT_EXISTS.includes(booking.dossier?.status as DossierStatus)) {
      throw new AppError("CONFLICT", `Hồ sơ ${booking.dossier?.code ?? ""} chưa có kết quả (trạng thái: ${booking.dossier?.status ?? "không rõ"}); chỉ phát khi kết quả đã sẵn sàng (the result is not ready yet).`);
    }
    if (to === "DISPATCHED" && !details.waybillCode && !booking.waybillCode) throw new ValidationError("waybillCode: mã vận đơn là bắt buộc khi phát (a waybill code is required to dispatch)", { field: "waybillCode" });
    // The move and the citizen's notice are written together (the notice is the outbox row).
    const written = await this.db.$transaction(async (tx): Promise<string[]> => {
      const moved = await tx.deliveryBooking.updateMany({
        where: { id: booking.id, status: booking.status },
        data: { status: to, ...(details.waybillCode ? { waybillCode: details.waybillCode } : {}), ...(details.note ? { note: details.note } : {}), ...(to === "CANCELLED" ? { cancelledAt: new Date() } : {}) },
      });
      if (moved.count === 0) throw new AppError("CONFLICT", "Lịch hẹn vừa được người khác cập nhật; vui lòng tải lại (changed meanwhile).");
      if (!booking.citizenId || to === "REQUESTED") return [];
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
      return createNotices(viaPrisma(tx), [
        { type: "BOOKING_UPDATE", citizenId: booking.citizenId, dossierId: booking.dossierId, variables, urgent: NOTICE_POLICIES.BOOKING_UPDATE.urgent, dedupeKey: `booking:${booking.id}:${to}` },
      ]);
    });
    await wakeRelay(viaPrisma(this.db), written);
    return this.db.deliveryBooking.findUniqueOrThrow({ where: { id: booking.id } });
  }
}
