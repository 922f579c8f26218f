/**
 * Postal bookings: the post office brings a result home, or collects a dossier from home.
 * Citizens create and cancel them (until dispatched), each time with a one-time code sent to the
 * phone on record; post office staff see those of their unit and move them forward. A result is
 * addressed to the applicant named on the dossier, or to a person holding the applicant's mandate
 * when the citizen said so, and is handed over only on sight of that person's ID.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { inTransaction } from "../db/pool.js";
import { dossierEventSchema, normalizeDossierCode, type DossierEventInput } from "../dossiers/event-schema.js";
import type { IngestOptions } from "../dossiers/ingest-service.js";
import type { DossierIngestService } from "../dossiers/ingest-service.js";
import { unitCovers } from "../auth/guard.js";
import type { Db } from "../db/client.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { BookingKind, BookingStatus, DossierStatus, RetryPayer } from "../generated/prisma/enums.js";
import { AppError, NotFoundError, ValidationError } from "../errors.js";
import { createNotices, viaPg, wakeRelay } from "../notifications/notice-store.js";

import { NOTICE_POLICIES, type BookingNoticeVariables } from "../notifications/notice-types.js";
import { BOOKING_STATUS_LABELS } from "../text/staff-vi.js";
import { STATUS_LABELS } from "../notifications/messages/vi.js";

const dossierStatusLabel = (status: DossierStatus | null | undefined): string => (status ? (STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status) : "không rõ");

/** Dossiers that ended without a result to carry: refused, withdrawn, stopped. */
const ENDED_WITHOUT_RESULT: DossierStatus[] = ["REFUSED", "WITHDRAWN", "STOPPED"];

/**
 * Why a dossier's result cannot go out by post (its status is not one of RESULT_EXISTS): already
 * handed over at the desk, ended without a result, or not ready yet (then `notReady` says what to do).
 */
function noResultToDeliver(code: string, status: DossierStatus | null | undefined, notReady: string): string {
  const state = `trạng thái: ${dossierStatusLabel(status)}`;
  if (status === "RETURNED") return `Hồ sơ ${code} đã trả kết quả tại bộ phận một cửa (${state}); không còn kết quả để giao qua bưu điện, hãy hủy lịch nếu đã đặt (the result was already handed over at the desk).`;
  if (status && ENDED_WITHOUT_RESULT.includes(status)) return `Hồ sơ ${code} đã kết thúc mà không có kết quả để giao (${state}); hãy hủy lịch nếu đã đặt (the dossier ended without a result).`;
  return `Hồ sơ ${code} chưa có kết quả (${state}); ${notReady} (the result is not ready yet).`;
}
import { assertConfirmed, type Confirmation } from "../verification/one-time-codes.js";
import { CONTROL, CONTROL_ONE_LINE, INVISIBLE } from "../text/characters.js";

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

/** What the post office must check before handing over (shown to staff with every booking, in Vietnamese only: the console and the slip print it as is). */
export function handOverRule(kind: BookingKind, recipientIsApplicant: boolean): string {
  if (kind === "DOSSIER_COLLECTION") return "Đối chiếu CCCD của người nộp hồ sơ khi nhận hồ sơ.";
  return recipientIsApplicant
    ? "Chỉ trao kết quả khi xem CCCD của người nhận có tên trên, là người nộp hồ sơ."
    : "Chỉ trao kết quả khi xem CCCD của người nhận có tên trên và giấy ủy quyền của người nộp hồ sơ.";
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

/**
 * A POSTAL dossier's result waits on the desk for its delivery booking in these statuses: ready,
 * handed to the post, or back from a failed delivery (for the second try).
 */
export const AWAITING_DELIVERY_STATUSES: DossierStatus[] = ["RESULT_READY", "RESULT_HANDED_TO_POST", "DELIVERY_FAILED"];

/** Dossier statuses in which its result exists (ready at the desk, with the post, on its way, handed over or failed to be). */
export const RESULT_EXISTS: DossierStatus[] = ["RESULT_READY", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_FAILED"];

const CANCELLABLE: BookingStatus[] = ["REQUESTED", "CONFIRMED"];

/** A booking still to be worked (a dossier has at most one active delivery). */
export const ACTIVE: BookingStatus[] = ["REQUESTED", "CONFIRMED", "DISPATCHED"];

/** A waybill code (mã vận đơn): letters and digits only, 4 to 30 of them (e.g. VNPost's EL123456789VN); stored in capitals. */
export const WAYBILL_PATTERN = /^[A-Z0-9]{4,30}$/;
export const WAYBILL_RULE = "Mã vận đơn chỉ gồm chữ cái không dấu và chữ số, từ 4 đến 30 ký tự (ví dụ EL123456789VN).";
export const FAILURE_REASON_MAX = 500;
/** A staff note on a move (the citizen reads it in the notice of a cancellation), in the API and the console alike. */
export const BOOKING_NOTE_MAX = 500;
export const RETRY_PAYERS = ["CITIZEN", "POST_OFFICE", "AGENCY"] as const satisfies readonly RetryPayer[];

/** The sentence the citizen reads about a second try, by who pays for it (Decision 45/2016: the party that caused the failure). */
const RETRY_PAYER_NOTICE: Record<RetryPayer, string> = {
  CITIZEN: "Cước phí lần giao lại do ông/bà trả.",
  POST_OFFICE: "Bưu điện chịu cước phí lần giao lại.",
  AGENCY: "Cơ quan giải quyết hồ sơ chịu cước phí lần giao lại.",
};

/** What a staff move may carry: a waybill code (to dispatch), a failure's reason and who pays a second try, a note, who did it. */
export interface MoveDetails {
  waybillCode?: string | null;
  note?: string | null;
  failureReason?: string | null;
  retryPaidBy?: RetryPayer | null;
  /** The signed-in staff member who moved it (null for an API key). */
  handledById?: string | null;
}

/** The filters of a unit's booking list. */
export interface BookingFilter {
  status?: BookingStatus;
  kind?: BookingKind;
  /** Booked on or after (an instant). */
  from?: Date;
  /** Booked before (an instant). */
  to?: Date;
  limit?: number;
}

/** The waybill as typed → stored (capitals, no spaces around), or a 400 naming `waybillCode`. */
export function normalizeWaybill(raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!WAYBILL_PATTERN.test(code)) throw new ValidationError(`waybillCode: ${WAYBILL_RULE}`, { field: "waybillCode" });
  return code;
}

const unitWhere = (unitCode: string | null): Prisma.DeliveryBookingWhereInput => (unitCode ? { OR: [{ communeCode: unitCode }, { commune: { parentCode: unitCode } }] } : {});

function reference(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return `BD-${Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join("")}`;
}

/** The dossier status a result delivery's move stands for (written on the dossier by the move). */
const DOSSIER_STATUS_OF_MOVE: Partial<Record<BookingStatus, DossierStatus>> = { DISPATCHED: "OUT_FOR_DELIVERY", COMPLETED: "DELIVERED", FAILED: "DELIVERY_FAILED" };

/**
 * How a move's dossier event is ingested: the staff's, notifying nobody (the booking's own notice
 * tells the citizen, with the waybill or the reason), in the booking's own namespace whoever moves
 * it: a clerk of the province and one of the commune (or an admin) repeating the same move find
 * the one event instead of writing it again (a second DELIVERED, a second hand-over on form 05),
 * and no staff key's events can take its ids.
 */
const DOSSIER_EVENT_OPTIONS: IngestOptions = { principal: null, source: "STAFF", origin: "post-office", notify: false };

/** A booking as a move leaves it: what its notice and its dossier's event are made of. */
interface MovedBooking {
  reference: string;
  kind: BookingKind;
  status: BookingStatus;
  waybillCode: string | null;
  failureReason: string | null;
  dispatchedAt: Date | null;
  completedAt: Date | null;
  failedAt: Date | null;
  updatedAt: Date;
  timeWindow: string;
}

export class BookingService {
  /** `ingest`: writes a result delivery's moves on its dossier (out for delivery, delivered, failed). */
  constructor(
    private readonly db: Db,
    /** The pool Prisma runs over: a move's transaction (the booking, its notice, its dossier's event) runs on one of its clients. */
    private readonly pool: pg.Pool,
    private readonly ingest: DossierIngestService | null = null,
  ) {}

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
    return this.insertDelivery(input.dossierId, data);
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
  async forUnit(unitCode: string | null, filter: BookingStatus | BookingFilter = {}) {
    const f: BookingFilter = typeof filter === "string" ? { status: filter } : filter;
    return this.db.deliveryBooking.findMany({
      where: {
        ...(f.status ? { status: f.status } : {}),
        ...(f.kind ? { kind: f.kind } : {}),
        ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
        ...unitWhere(unitCode),
      },
      orderBy: { createdAt: "desc" },
      take: f.limit ?? 500,
      include: {
        commune: { select: { fullName: true } },
        hamlet: { select: { name: true } },
        dossier: { select: { code: true } },
        procedure: { select: { name: true } },
      },
    });
  }

  /** One booking of the unit with what the desk and the delivery slip show; 404 outside the unit, as if it did not exist. */
  async getForUnit(referenceCode: string, unitCode: string | null) {
    const booking = await this.db.deliveryBooking.findUnique({
      where: { reference: referenceCode },
      include: {
        commune: { select: { code: true, fullName: true, parentCode: true, parent: { select: { fullName: true } } } },
        hamlet: { select: { name: true } },
        dossier: { select: { code: true, status: true, procedureName: true, procedure: { select: { name: true } } } },
        procedure: { select: { name: true } },
        handledBy: { select: { fullName: true } },
      },
    });
    if (!booking || (unitCode && !unitCovers(unitCode, { code: booking.communeCode, parentCode: booking.commune.parentCode }))) throw notInUnit(referenceCode);
    return booking;
  }

  /**
   * The unit's dossiers submitted through the post (`channel: POSTAL`) whose result is ready at the
   * desk, handed to the post or back from a failed delivery (AWAITING_DELIVERY_STATUSES), and that have no delivery booking active or completed: the
   * post office brings these results home, so they wait on the desk until the clerk books the
   * delivery. Each comes with the address of its collection booking, when there is one.
   */
  async awaitingDelivery(unitCode: string | null, limit = 200) {
    const dossiers = await this.db.dossier.findMany({
      where: {
        channel: "POSTAL",
        status: { in: AWAITING_DELIVERY_STATUSES },
        bookings: { none: { kind: "RESULT_DELIVERY", status: { in: [...ACTIVE, "COMPLETED"] } } },
        ...(unitCode ? { commune: { OR: [{ code: unitCode }, { parentCode: unitCode }] } } : {}),
      },
      orderBy: { statusAt: "asc" },
      take: limit,
      include: {
        applicant: { select: { id: true, fullName: true, phone: true } },
        commune: { select: { code: true, fullName: true } },
        procedure: { select: { name: true } },
        bookings: { where: { kind: "RESULT_DELIVERY", status: "FAILED" }, select: { reference: true, failureReason: true, retryPaidBy: true }, orderBy: { createdAt: "desc" }, take: 1 },
      },
    });
    const out = [];
    for (const d of dossiers) out.push({ ...d, collection: await this.collectionOf(d) });
    return out;
  }

  /**
   * The collection booking a dossier came in by: one linked to it, or else the applicant's latest
   * completed collection for the same procedure in the same commune, made before the dossier was
   * received (collection bookings are made before upstream issues the dossier's code).
   */
  private async collectionOf(d: { id: string; applicantId: string; procedureCode: string | null; communeCode: string | null; receivedAt: Date | null; createdAt: Date }) {
    const select = { reference: true, addressLine: true, hamletId: true, timeWindow: true, communeCode: true } as const;
    const linked = await this.db.deliveryBooking.findFirst({ where: { dossierId: d.id, kind: "DOSSIER_COLLECTION" }, select, orderBy: { createdAt: "desc" } });
    if (linked) return linked;
    if (!d.procedureCode || !d.communeCode) return null;
    return this.db.deliveryBooking.findFirst({
      where: { kind: "DOSSIER_COLLECTION", dossierId: null, citizenId: d.applicantId, procedureCode: d.procedureCode, communeCode: d.communeCode, status: "COMPLETED", createdAt: { lte: d.receivedAt ?? d.createdAt } },
      select,
      orderBy: { createdAt: "desc" },
    });
  }

  /**
   * The clerk books the delivery of a POSTAL dossier's ready result (from the desk's "Kết quả chờ
   * chuyển phát"): addressed to the applicant on the dossier, at the collection booking's address
   * or the one the clerk enters. Idempotent: when the dossier already has an active delivery (a
   * double click, a citizen who booked meanwhile) that one is returned (`alreadyBooked`).
   */
  async createDeliveryForDossier(
    dossierCode: string,
    unitCode: string | null,
    input: { addressLine?: string | null; timeWindow: string; postage: number },
  ) {
    dossierCode = normalizeDossierCode(dossierCode);
    const dossier = await this.db.dossier.findUnique({
      where: { code: dossierCode },
      include: { applicant: { select: { id: true, fullName: true, phone: true } }, commune: { select: { code: true, parentCode: true } } },
    });
    if (!dossier || !dossier.commune || (unitCode && !unitCovers(unitCode, dossier.commune))) {
      throw new NotFoundError(`Không có hồ sơ ${dossierCode} trong đơn vị của bạn (no such dossier in this unit).`);
    }
    if (dossier.channel !== "POSTAL") throw new AppError("CONFLICT", `Hồ sơ ${dossier.code} không nộp qua bưu điện; người dân tự đặt lịch giao kết quả qua tin nhắn (not a postal dossier).`);
    if (!RESULT_EXISTS.includes(dossier.status)) throw new AppError("CONFLICT", noResultToDeliver(dossier.code, dossier.status, "chỉ đặt lịch giao khi kết quả đã sẵn sàng"));
    const collection = await this.collectionOf(dossier);
    const addressLine = (input.addressLine ?? "").trim().replace(/\s+/g, " ") || collection?.addressLine || "";
    if (addressLine.length < 5 || addressLine.length > 200) throw new ValidationError("addressLine: nhập địa chỉ giao (số nhà, đường, ấp/khóm), từ 5 đến 200 ký tự.", { field: "addressLine" });
    // Printed on the slip the courier carries and shown at the desk: refused as every staff text is (a right-to-left override would reverse part of it).
    if (CONTROL_ONE_LINE.test(addressLine) || INVISIBLE.test(addressLine)) {
      throw new ValidationError("addressLine: địa chỉ chứa ký tự điều khiển hoặc ký tự ẩn không hợp lệ; hãy gõ lại.", { field: "addressLine" });
    }
    if (!dossier.applicant.phone) throw new ValidationError("Hồ sơ không có số điện thoại người nộp; không đặt được lịch giao.", { field: "dossierCode" });
    const data = {
      reference: reference(),
      kind: "RESULT_DELIVERY" as const,
      dossierId: dossier.id,
      procedureCode: dossier.procedureCode,
      citizenId: dossier.applicantId,
      recipientName: dossier.applicant.fullName ?? "Người nộp hồ sơ",
      recipientIsApplicant: true,
      recipientPhone: dossier.applicant.phone.replace(/^\+84/, "0"),
      communeCode: dossier.commune.code,
      hamletId: collection && !input.addressLine?.trim() ? collection.hamletId : null,
      addressLine,
      timeWindow: input.timeWindow,
      postage: input.postage,
    };
    return this.insertDelivery(dossier.id, data);
  }

  /** One active delivery per dossier, under a lock: a second request gets the one already made. */
  private insertDelivery(dossierId: string, data: Prisma.DeliveryBookingUncheckedCreateInput) {
    const include = { commune: { select: { fullName: true } } } as const;
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`booking:${dossierId}:RESULT_DELIVERY`}))::text`;
      const active = await tx.deliveryBooking.findFirst({ where: { dossierId, kind: "RESULT_DELIVERY", status: { in: ACTIVE } }, include, orderBy: { createdAt: "asc" } });
      if (active) return { ...active, alreadyBooked: true };
      return { ...(await tx.deliveryBooking.create({ data, include })), alreadyBooked: false };
    });
  }

  /**
   * Moves a booking forward (staff of its unit): CONFIRMED, DISPATCHED (with a waybill code),
   * COMPLETED, FAILED (with the reason and who pays a second try), CANCELLED; records when and by
   * whom, and writes the citizen's notice in the same transaction. A repeat of the move just made
   * (a double click, a retried request) changes nothing and answers the booking (`repeated`); a
   * repeat with other details (another waybill, another reason) is a 409. Nothing is stored on a refusal.
   */
  async move(referenceCode: string, to: BookingStatus, unitCode: string | null, details: MoveDetails = {}) {
    const booking = await this.db.deliveryBooking.findUnique({ where: { reference: referenceCode }, include: { commune: { select: { parentCode: true } }, dossier: { select: { code: true, status: true } } } });
    if (!booking || (unitCode && !unitCovers(unitCode, { code: booking.communeCode, parentCode: booking.commune.parentCode }))) throw notInUnit(referenceCode);
    const waybillCode = details.waybillCode?.trim() ? normalizeWaybill(details.waybillCode) : null;
    // Composed (NFC) as the rest of the dossier's text, so a reason typed decomposed repeats, not conflicts.
    const failureReason = details.failureReason?.normalize("NFC").trim().replace(/\s+/g, " ") || null;
    const note = details.note?.normalize("NFC").trim() || null;
    if (failureReason && failureReason.length > FAILURE_REASON_MAX) throw new ValidationError(`failureReason: lý do dài quá ${FAILURE_REASON_MAX} ký tự.`, { field: "failureReason" });
    if (note && note.length > BOOKING_NOTE_MAX) throw new ValidationError(`note: ghi chú dài quá ${BOOKING_NOTE_MAX} ký tự.`, { field: "note" });
    // Both reach the citizen's notice: nothing that would show as garbage or hide or reverse text.
    if (note && (CONTROL.test(note) || INVISIBLE.test(note))) throw new ValidationError("note: ghi chú chứa ký tự điều khiển hoặc ký tự ẩn không hợp lệ.", { field: "note" });
    if (failureReason && (CONTROL.test(failureReason) || INVISIBLE.test(failureReason))) throw new ValidationError("failureReason: lý do chứa ký tự điều khiển hoặc ký tự ẩn không hợp lệ.", { field: "failureReason" });
    // The waybill is the dispatch's: another move may repeat the one recorded, never write or change it.
    if (waybillCode && to !== "DISPATCHED" && waybillCode !== booking.waybillCode) {
      if (!booking.waybillCode) throw new ValidationError(`waybillCode: mã vận đơn chỉ ghi khi phát ("${BOOKING_STATUS_LABELS.DISPATCHED}") (a waybill code is recorded by the dispatch only)`, { field: "waybillCode" });
      throw new AppError("CONFLICT", `Lịch hẹn đã ghi mã vận đơn ${booking.waybillCode} khi phát; không ghi đè bằng ${waybillCode} (the waybill recorded at dispatch is not overwritten).`, { field: "waybillCode" });
    }
    if (booking.status === to && to !== "REQUESTED") {
      const repeated = await this.repeat(booking, to, { waybillCode, failureReason, retryPaidBy: details.retryPaidBy ?? null });
      await this.writeOnDossier(booking, repeated);
      return repeated;
    }
    if (booking.status === to) throw new AppError("CONFLICT", `Lịch hẹn đã ở trạng thái "${BOOKING_STATUS_LABELS[to]}" (the booking is already ${to}).`);
    if (!NEXT[booking.status].includes(to)) throw new AppError("CONFLICT", `Lịch hẹn đang ở trạng thái "${BOOKING_STATUS_LABELS[booking.status]}", không chuyển sang "${BOOKING_STATUS_LABELS[to]}" được (a booking cannot move from ${booking.status} to ${to}).`);
    // A result goes out only once it exists: not while the dossier is still being processed. Nor
    // can its delivery fail before then: the failure would be written on the dossier as its
    // status (DELIVERY_FAILED, a result that "exists"); a delivery that will not happen is cancelled.
    if (booking.kind === "RESULT_DELIVERY" && (to === "DISPATCHED" || to === "COMPLETED" || to === "FAILED") && !RESULT_EXISTS.includes(booking.dossier?.status as DossierStatus)) {
      const what = to === "FAILED" ? "chưa phát thì không ghi giao không thành công; nếu không giao nữa, hãy hủy lịch" : "chỉ phát khi kết quả đã sẵn sàng";
      throw new AppError("CONFLICT", noResultToDeliver(booking.dossier?.code ?? "", booking.dossier?.status, what));
    }
    if (to === "DISPATCHED" && !waybillCode && !booking.waybillCode) throw new ValidationError("waybillCode: mã vận đơn là bắt buộc khi phát (a waybill code is required to dispatch)", { field: "waybillCode" });
    if (to === "FAILED") {
      if (!failureReason || failureReason.length < 3) throw new ValidationError("failureReason: ghi lý do không giao/nhận được (bắt buộc, ít nhất 3 ký tự).", { field: "failureReason" });
      if (!details.retryPaidBy || !RETRY_PAYERS.includes(details.retryPaidBy)) throw new ValidationError("retryPaidBy: chọn bên trả cước lần giao lại — người dân, bưu điện hoặc cơ quan giải quyết (bên gây ra việc không giao được, Quyết định 45/2016/QĐ-TTg).", { field: "retryPaidBy" });
    }
    const now = new Date();
    // The move, the citizen's notice (the outbox row) and, for a result delivery, the dossier's
    // status (out for delivery, delivered, delivery failed) are written in one transaction: a
    // process killed between them would leave a delivered booking on a dossier still "result
    // ready" (no DELIVERED event, no hand-over on form 05) until someone repeated the move.
    const written = await this.inTransaction(async (client): Promise<{ moved: MovedBooking; noticeIds: string[] } | null> => {
      const rows = await client.query<MovedBooking & { dossierCode: string | null; procedureName: string | null }>(
        `UPDATE "DeliveryBooking" b SET status = $3::"BookingStatus",
                "waybillCode" = CASE WHEN $3 = 'DISPATCHED' AND $4::text IS NOT NULL THEN $4 ELSE b."waybillCode" END,
                note = COALESCE($5, b.note), "handledById" = COALESCE($6::uuid, b."handledById"),
                "dispatchedAt" = CASE WHEN $3 = 'DISPATCHED' THEN $7::timestamptz AT TIME ZONE 'UTC' ELSE b."dispatchedAt" END,
                "completedAt" = CASE WHEN $3 = 'COMPLETED' THEN $7::timestamptz AT TIME ZONE 'UTC' ELSE b."completedAt" END,
                "failedAt" = CASE WHEN $3 = 'FAILED' THEN $7::timestamptz AT TIME ZONE 'UTC' ELSE b."failedAt" END,
                "failureReason" = CASE WHEN $3 = 'FAILED' THEN $8 ELSE b."failureReason" END,
                "retryPaidBy" = CASE WHEN $3 = 'FAILED' THEN $9::"RetryPayer" ELSE b."retryPaidBy" END,
                "cancelledAt" = CASE WHEN $3 = 'CANCELLED' THEN $7::timestamptz AT TIME ZONE 'UTC' ELSE b."cancelledAt" END,
                "updatedAt" = $7::timestamptz AT TIME ZONE 'UTC'
          WHERE b.id = $1::uuid AND b.status = $2::"BookingStatus"
          RETURNING b.reference, b.kind::text AS kind, b.status::text AS status, b."waybillCode", b."failureReason", b."dispatchedAt", b."completedAt", b."failedAt", b."updatedAt", b."timeWindow",
                    (SELECT d.code FROM "Dossier" d WHERE d.id = b."dossierId") AS "dossierCode",
                    (SELECT p.name FROM "Procedure" p WHERE p.code = b."procedureCode") AS "procedureName"`,
        [booking.id, booking.status, to, waybillCode, note, details.handledById ?? null, now.toISOString(), to === "FAILED" ? failureReason : null, to === "FAILED" ? details.retryPaidBy! : null],
      );
      const full = rows.rows[0];
      if (!full) return null;
      const noticeIds: string[] = [];
      if (booking.citizenId && to !== "REQUESTED") {
        const citizenNote = to === "FAILED" ? `Lý do: ${failureReason!.replace(/[.。]+$/, "")}. ${RETRY_PAYER_NOTICE[details.retryPaidBy!]}` : note;
        const variables: BookingNoticeVariables = {
          reference: full.reference,
          kind: full.kind,
          status: to,
          subject: full.kind === "DOSSIER_COLLECTION" ? (full.procedureName ?? "") : (full.dossierCode ?? ""),
          timeWindow: full.timeWindow,
          waybillCode: full.waybillCode,
          note: citizenNote,
        };
        noticeIds.push(
          ...(await createNotices(viaPg(client), [
            { type: "BOOKING_UPDATE", citizenId: booking.citizenId, dossierId: booking.dossierId, variables, urgent: NOTICE_POLICIES.BOOKING_UPDATE.urgent, dedupeKey: `booking:${booking.id}:${to}` },
          ])),
        );
      }
      const event = this.dossierEventOf(booking, full);
      if (event && this.ingest) await this.ingest.ingestWithin(client, [event], DOSSIER_EVENT_OPTIONS);
      return { moved: full, noticeIds };
    });
    if (written === null) {
      // Someone moved it meanwhile: the same move (a double click racing itself) is a repeat; another is a conflict.
      const now2 = await this.db.deliveryBooking.findUniqueOrThrow({ where: { id: booking.id } });
      if (now2.status === to) {
        const repeated = await this.repeat(now2, to, { waybillCode, failureReason, retryPaidBy: details.retryPaidBy ?? null });
        await this.writeOnDossier(booking, repeated);
        return repeated;
      }
      throw new AppError("CONFLICT", "Lịch hẹn vừa được người khác cập nhật; vui lòng tải lại (changed meanwhile).");
    }
    await wakeRelay(viaPg(this.pool), written.noticeIds);
    const moved = await this.db.deliveryBooking.findUniqueOrThrow({ where: { id: booking.id } });
    return { ...moved, repeated: false };
  }

  /**
   * A result delivery's dispatch, completion or failure is also its dossier's status (out for
   * delivery, delivered, delivery failed), written through the one ingest path so the dossier's
   * history and the process control form (the post office's hand-over to the citizen) follow.
   * The citizen is told once, by the booking's own notice. The event id, its namespace and its
   * time come from the booking, so the same move repeated (a double click, by the same clerk or
   * another of another unit) writes it once. `move` writes it in the move's own transaction; a
   * repeated move writes it here when it is missing (a move recorded before the two were one).
   */
  private async writeOnDossier(booking: { kind: BookingKind; dossier: { code: string } | null }, moved: MovedBooking): Promise<void> {
    const event = this.dossierEventOf(booking, moved);
    if (event && this.ingest) await this.ingest.ingest([event], DOSSIER_EVENT_OPTIONS);
  }

  /** The dossier's event for a result delivery's move (none for another move or kind). */
  private dossierEventOf(booking: { kind: BookingKind; dossier: { code: string } | null }, moved: MovedBooking): DossierEventInput | null {
    const status = DOSSIER_STATUS_OF_MOVE[moved.status];
    if (booking.kind !== "RESULT_DELIVERY" || !booking.dossier || !status) return null;
    const at = (moved.status === "DISPATCHED" ? moved.dispatchedAt : moved.status === "COMPLETED" ? moved.completedAt : moved.failedAt) ?? moved.updatedAt;
    const note =
      moved.status === "DISPATCHED" ? `Bưu điện phát kết quả, mã vận đơn ${moved.waybillCode ?? ""} (lịch hẹn ${moved.reference})`
      : moved.status === "FAILED" ? `Không giao được: ${moved.failureReason ?? ""} (lịch hẹn ${moved.reference})`
      : `Bưu điện đã giao kết quả (lịch hẹn ${moved.reference}${moved.waybillCode ? `, mã vận đơn ${moved.waybillCode}` : ""})`;
    return dossierEventSchema.parse({ eventId: `booking-${moved.reference}-${status}`, dossierCode: booking.dossier.code, status, occurredAt: at.toISOString(), note });
  }

  /** Runs fn in one transaction on a client of its own: committed when fn returns, rolled back when it throws. */
  private inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, fn);
  }

  /** The booking is already where the move would take it: the same move again is harmless; with other details, a 409. */
  private async repeat(
    booking: { id: string; status: BookingStatus; waybillCode: string | null; failureReason: string | null; retryPaidBy: RetryPayer | null },
    to: BookingStatus,
    given: { waybillCode: string | null; failureReason: string | null; retryPaidBy: RetryPayer | null },
  ) {
    const differs =
      (to === "DISPATCHED" && given.waybillCode !== null && given.waybillCode !== booking.waybillCode) ||
      (to === "FAILED" && ((given.failureReason !== null && given.failureReason !== booking.failureReason) || (given.retryPaidBy !== null && given.retryPaidBy !== booking.retryPaidBy)));
    if (differs) throw new AppError("CONFLICT", `Lịch hẹn đã ở trạng thái "${BOOKING_STATUS_LABELS[to]}" với thông tin khác (mã vận đơn, lý do hoặc bên trả cước đã ghi); không ghi đè (already ${to} with other details).`);
    return { ...(await this.db.deliveryBooking.findUniqueOrThrow({ where: { id: booking.id } })), repeated: true };
  }
}

function notInUnit(referenceCode: string): NotFoundError {
  return new NotFoundError(`Không có lịch hẹn ${referenceCode} trong đơn vị của bạn (no such booking in this unit).`);
}
