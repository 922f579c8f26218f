/**
 * The post office desk in the staff console (issue 10 §6): the unit's bookings with filters; one
 * booking with its actions (confirm, dispatch with a waybill code, completed, failed with the
 * reason and who pays a second try, cancel); the printable delivery slip; and the results of
 * dossiers submitted through the post that wait to be booked for delivery. Post office staff
 * (`bookings:move`) work them; commune staff (`bookings:read`) read their commune's. Every move
 * goes through BookingService.move, as the API's does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { fullAddress } from "../../bookings/address.js";
import { z } from "zod";
import { bookingText } from "../../../bots/messages/vi.js";
import { can, unitScope } from "../../auth/guard.js";
import { handOverRule, RETRY_PAYERS, WAYBILL_RULE, type BookingService } from "../../bookings/booking-service.js";
import { AppError } from "../../errors.js";
import { STATUS_LABELS } from "../../notifications/messages/vi.js";
import { BOOKING_ACTION_LABELS, BOOKING_FLASH, BOOKING_KIND_LABELS, BOOKING_STATUS_LABELS, RETRY_PAYER_LABELS } from "../../text/staff-vi.js";
import { sendConsolePage } from "../../web/console.js";
import { requirePrincipal } from "../auth.js";
import { bookingListQuery, listFilter, staffUserOf } from "./bookings.js";

/** The time windows the bot offers citizens; the clerk books a delivery in one of them. */
export const DELIVERY_WINDOWS: string[] = bookingText.windows.flat().map((w) => w.data.slice("window:".length));

const REFERENCE = /^BD-[A-Z0-9]{6}$/;
const MOVES = ["CONFIRMED", "DISPATCHED", "COMPLETED", "FAILED", "CANCELLED"] as const;
/** The moves each status allows, as the desk offers them (BookingService.move is the rule). */
const OFFERED: Record<string, (typeof MOVES)[number][]> = {
  REQUESTED: ["CONFIRMED", "DISPATCHED", "FAILED", "CANCELLED"],
  CONFIRMED: ["DISPATCHED", "FAILED", "CANCELLED"],
  DISPATCHED: ["COMPLETED", "FAILED"],
};

const moveForm = z.object({
  status: z.enum(MOVES, { message: "Chọn một thao tác." }),
  waybillCode: z.string().max(200).default(""),
  failureReason: z.string().max(2000).default(""),
  retryPaidBy: z.string().max(40).default(""),
  note: z.string().max(2000).default(""),
});

const deliveryForm = z.object({
  dossierCode: z.string().max(60).default(""),
  addressLine: z.string().max(400).default(""),
  timeWindow: z.string().max(100).default(""),
});

/** The filter form as submitted: empty fields mean "any". */
function formQuery(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) if (typeof v === "string" && v.trim() !== "") out[k] = v.trim();
  return out;
}

const maskPhone = (phone: string | null) => (phone ? `…${phone.slice(-2)}` : "");
const nationalPhone = (phone: string | null) => (phone ? phone.replace(/^\+84/, "0") : "");

/** A flat Vietnamese message for the page (the API's "(english)" part dropped). */
function vi(message: string): string {
  return message.replace(/^[a-zA-Z]+: /, "").replace(/\s*\([\x20-\x7e]*\)\s*\.?$/, ".").replace(/\.\.$/, ".");
}

export function registerStaffBookingPages(app: FastifyInstance, deps: { bookings: BookingService; postage: number }): void {
  const { bookings } = deps;

  async function deskPage(request: FastifyRequest, reply: FastifyReply, extra: { deliveryErrors?: { field: string; message: string }[]; deliveryValues?: Record<string, string> } = {}, status = 200) {
    const principal = requirePrincipal(request);
    const values = formQuery(request.query);
    const parsed = bookingListQuery.safeParse(values);
    const errors = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "status"), message: vi(i.message) }));
    const scope = unitScope(principal);
    const rows = parsed.success ? await bookings.forUnit(scope, { ...listFilter(parsed.data), limit: 200 }) : [];
    const awaiting = await bookings.awaitingDelivery(scope);
    return sendConsolePage(
      request,
      reply,
      "staff/bookings/index",
      {
        current: "bookings",
        title: "Bàn bưu điện",
        values,
        errors,
        statuses: BOOKING_STATUS_LABELS,
        kinds: BOOKING_KIND_LABELS,
        payers: RETRY_PAYER_LABELS,
        canMove: can(principal, "bookings:move"),
        windows: DELIVERY_WINDOWS,
        postage: deps.postage,
        bookings: rows.map((b) => ({
          reference: b.reference,
          kind: b.kind,
          status: b.status,
          dossierCode: b.dossier?.code ?? null,
          subject: b.kind === "DOSSIER_COLLECTION" ? (b.procedure?.name ?? "") : "",
          recipientName: b.recipientName,
          phone: maskPhone(b.recipientPhone),
          address: fullAddress(b.addressLine, b.commune.fullName),
          hamlet: b.hamlet?.name ?? "",
          timeWindow: b.timeWindow,
          postage: b.postage,
          waybillCode: b.waybillCode,
          createdAt: b.createdAt,
        })),
        awaiting: awaiting.map((d) => ({
          code: d.code,
          status: d.status,
          statusLabel: STATUS_LABELS[d.status as keyof typeof STATUS_LABELS] ?? d.status,
          statusAt: d.statusAt,
          procedure: d.procedure?.name ?? d.procedureName ?? "",
          applicant: d.applicant.fullName ?? "",
          phone: maskPhone(d.applicant.phone),
          commune: d.commune?.fullName ?? "",
          collectionAddress: d.collection?.addressLine ?? null,
          lastFailure: d.bookings[0] ?? null,
        })),
        deliveryErrors: extra.deliveryErrors ?? [],
        deliveryValues: extra.deliveryValues ?? {},
      },
      status,
    );
  }

  async function bookingPage(request: FastifyRequest, reply: FastifyReply, referenceCode: string, extra: { errors?: { field: string; message: string }[]; form?: Record<string, string> } = {}, status = 200) {
    const principal = requirePrincipal(request);
    const b = await bookings.getForUnit(referenceCode, unitScope(principal));
    const query = (request.query ?? {}) as Record<string, unknown>;
    const flash = typeof query.done === "string" && query.done in BOOKING_FLASH ? BOOKING_FLASH[query.done as keyof typeof BOOKING_FLASH] : null;
    const canMove = can(principal, "bookings:move");
    return sendConsolePage(
      request,
      reply,
      "staff/bookings/show",
      {
        current: "bookings",
        title: `Lịch hẹn ${b.reference}`,
        b: view(b, canMove),
        canMove,
        moves: canMove ? (OFFERED[b.status] ?? []) : [],
        actionLabels: BOOKING_ACTION_LABELS,
        payers: RETRY_PAYER_LABELS,
        payerKeys: RETRY_PAYERS,
        waybillRule: WAYBILL_RULE,
        flash,
        errors: extra.errors ?? [],
        form: extra.form ?? {},
      },
      status,
    );
  }

  /** A booking as the desk and the slip show it (the full phone only to those who work it). */
  function view(b: Awaited<ReturnType<BookingService["getForUnit"]>>, fullPhone: boolean) {
    return {
      reference: b.reference,
      kind: b.kind,
      kindLabel: BOOKING_KIND_LABELS[b.kind],
      status: b.status,
      statusLabel: BOOKING_STATUS_LABELS[b.status],
      dossierCode: b.dossier?.code ?? null,
      dossierStatusLabel: b.dossier ? (STATUS_LABELS[b.dossier.status as keyof typeof STATUS_LABELS] ?? b.dossier.status) : null,
      procedure: b.kind === "DOSSIER_COLLECTION" ? (b.procedure?.name ?? "") : (b.dossier?.procedure?.name ?? b.dossier?.procedureName ?? b.procedure?.name ?? ""),
      recipientName: b.recipientName,
      recipientIsApplicant: b.recipientIsApplicant,
      handOverRule: handOverRule(b.kind, b.recipientIsApplicant),
      phone: fullPhone ? nationalPhone(b.recipientPhone) : maskPhone(b.recipientPhone),
      fullPhone,
      addressLine: b.addressLine,
      hamlet: b.hamlet?.name ?? "",
      commune: b.commune.fullName,
      province: b.commune.parent?.fullName ?? "",
      address: fullAddress(b.addressLine, b.hamlet?.name, b.commune.fullName),
      postalAddress: fullAddress(b.addressLine, b.hamlet?.name, b.commune.fullName, b.commune.parent?.fullName),
      timeWindow: b.timeWindow,
      postage: b.postage,
      waybillCode: b.waybillCode,
      createdAt: b.createdAt,
      dispatchedAt: b.dispatchedAt,
      completedAt: b.completedAt,
      failedAt: b.failedAt,
      cancelledAt: b.cancelledAt,
      failureReason: b.failureReason,
      retryPaidBy: b.retryPaidBy ? RETRY_PAYER_LABELS[b.retryPaidBy] : null,
      handledBy: b.handledBy?.fullName ?? null,
      note: b.note,
    };
  }

  const referenceOf = (request: FastifyRequest): string => {
    const { reference } = z.object({ reference: z.string().max(40) }).parse(request.params);
    if (!REFERENCE.test(reference)) throw new AppError("NOT_FOUND", `Không có lịch hẹn ${reference.slice(0, 20)} trong đơn vị của bạn.`);
    return reference;
  };

  app.get("/staff/bookings", async (request, reply) => {
    const values = formQuery(request.query);
    const bad = !bookingListQuery.safeParse(values).success;
    return deskPage(request, reply, {}, bad ? 400 : 200);
  });

  app.get("/staff/bookings/:reference", async (request, reply) => bookingPage(request, reply, referenceOf(request)));

  app.get("/staff/bookings/:reference/slip", async (request, reply) => {
    const principal = requirePrincipal(request);
    const b = await bookings.getForUnit(referenceOf(request), unitScope(principal));
    return sendConsolePage(request, reply, "staff/bookings/slip", { current: "bookings", title: `Phiếu giao nhận ${b.reference}`, b: view(b, true), printedAt: new Date() });
  });

  app.post("/staff/bookings/:reference/status", async (request, reply) => {
    const principal = requirePrincipal(request);
    const reference = referenceOf(request);
    const parsed = moveForm.safeParse(request.body ?? {});
    if (!parsed.success) {
      await bookings.getForUnit(reference, unitScope(principal)); // 404 first for another unit's
      return bookingPage(request, reply, reference, { errors: [{ field: "status", message: "Biểu mẫu không hợp lệ; vui lòng chọn lại thao tác." }] }, 400);
    }
    const f = parsed.data;
    const errors: { field: string; message: string }[] = [];
    if (f.status === "FAILED" && f.retryPaidBy && !(RETRY_PAYERS as readonly string[]).includes(f.retryPaidBy)) errors.push({ field: "retryPaidBy", message: "Chọn bên trả cước lần giao lại." });
    if (errors.length) {
      await bookings.getForUnit(reference, unitScope(principal));
      return bookingPage(request, reply, reference, { errors, form: { ...f, status: f.status } }, 400);
    }
    try {
      const moved = await bookings.move(reference, f.status, unitScope(principal), {
        waybillCode: f.status === "DISPATCHED" ? f.waybillCode : null,
        failureReason: f.status === "FAILED" ? f.failureReason : null,
        retryPaidBy: f.status === "FAILED" && f.retryPaidBy ? (f.retryPaidBy as (typeof RETRY_PAYERS)[number]) : null,
        note: f.note || null,
        handledById: staffUserOf(principal),
      });
      return reply.redirect(`/staff/bookings/${reference}?done=${moved.repeated ? "repeated" : f.status}`, 303);
    } catch (error) {
      if (error instanceof AppError && (error.code === "VALIDATION_FAILED" || error.code === "CONFLICT")) {
        const field = (error.details as { field?: string } | undefined)?.field ?? "status";
        return bookingPage(request, reply, reference, { errors: [{ field, message: vi(error.message) }], form: { ...f } }, error.code === "CONFLICT" ? 409 : 400);
      }
      throw error;
    }
  });

  app.post("/staff/bookings/deliveries", async (request, reply) => {
    const principal = requirePrincipal(request);
    const parsed = deliveryForm.safeParse(request.body ?? {});
    const f = parsed.success ? parsed.data : { dossierCode: "", addressLine: "", timeWindow: "" };
    const values = { dossierCode: f.dossierCode.trim(), addressLine: f.addressLine, timeWindow: f.timeWindow };
    if (!/^[A-Z0-9.\-]{6,60}$/i.test(values.dossierCode)) throw new AppError("NOT_FOUND", "Không có hồ sơ này trong đơn vị của bạn.");
    if (!DELIVERY_WINDOWS.includes(f.timeWindow)) return deskPage(request, reply, { deliveryErrors: [{ field: `window-${values.dossierCode}`, message: `Hồ sơ ${values.dossierCode}: chọn khung giờ giao.` }], deliveryValues: values }, 400);
    try {
      const booked = await bookings.createDeliveryForDossier(values.dossierCode, unitScope(principal), { addressLine: f.addressLine, timeWindow: f.timeWindow, postage: deps.postage });
      return reply.redirect(`/staff/bookings/${booked.reference}?done=${booked.alreadyBooked ? "alreadyBooked" : "created"}`, 303);
    } catch (error) {
      if (error instanceof AppError && (error.code === "VALIDATION_FAILED" || error.code === "CONFLICT")) {
        const field = (error.details as { field?: string } | undefined)?.field === "addressLine" ? `address-${values.dossierCode}` : `window-${values.dossierCode}`;
        return deskPage(request, reply, { deliveryErrors: [{ field, message: `Hồ sơ ${values.dossierCode}: ${vi(error.message)}` }], deliveryValues: values }, error.code === "CONFLICT" ? 409 : 400);
      }
      throw error;
    }
  });
}
