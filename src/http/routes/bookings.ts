/**
 * Post office staff: the collection/delivery bookings of their unit, moved forward as they are
 * worked. The guard (src/auth/guard.ts) lets in the roles and confines each to its unit; a booking
 * outside the unit is answered as if it did not exist (404). The console's desk
 * (src/http/routes/staff-booking-pages.ts) works through the same BookingService.
 */
import type { FastifyInstance } from "fastify";
import { fullAddress } from "../../bookings/address.js";
import { z } from "zod";
import { unitScope, type Principal } from "../../auth/guard.js";
import { BOOKING_NOTE_MAX, FAILURE_REASON_MAX, handOverRule, RETRY_PAYERS, WAYBILL_PATTERN, WAYBILL_RULE, type BookingService } from "../../bookings/booking-service.js";
import { BookingKind, BookingStatus } from "../../generated/prisma/enums.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";
import { errorResponse, guardResponses, jsonBody, jsonResponse, pathParameter, queryParameters, staffSecurity, type PathItems } from "../openapi/zod-paths.js";

/** A day (YYYY-MM-DD, Vietnam's midnight) or an ISO instant. */
const day = (field: string, end = false) =>
  z
    .string()
    .refine((v) => z.iso.date().safeParse(v).success || z.iso.datetime({ offset: true }).safeParse(v).success, `${field}: ngày dạng YYYY-MM-DD (hoặc thời điểm ISO 8601, ví dụ 2026-12-01T00:00:00+07:00)`)
    // a day is Vietnam's day; as the end of a range it includes that whole day (the bound is the next day's start)
    .transform((v) => (v.length === 10 ? new Date(new Date(`${v}T00:00:00+07:00`).getTime() + (end ? 86_400_000 : 0)) : new Date(v)))
    .refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100, `${field}: năm từ 2000 đến 2100`);

export const bookingListQuery = z
  .object({
    status: z.enum(BookingStatus, { message: `status là một trong ${Object.values(BookingStatus).join(", ")}` }).optional(),
    kind: z.enum(BookingKind, { message: `kind là một trong ${Object.values(BookingKind).join(", ")}` }).optional(),
    /** Booked on or after this day (or instant). */
    from: day("from").optional(),
    /** Booked up to this day, inclusive (a day), or before this instant. */
    to: day("to", true).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ["from"], message: "from: ngày bắt đầu phải trước ngày kết thúc (to)" });

export const bookingMoveBody = z
  .object({
    status: z.enum(BookingStatus, { message: `status là một trong ${Object.values(BookingStatus).join(", ")}` }),
    /** Required to dispatch: letters and digits, 4–30 (stored in capitals). */
    waybillCode: z
      .string()
      .trim()
      .transform((v) => v.toUpperCase())
      .pipe(z.string().regex(WAYBILL_PATTERN, WAYBILL_RULE))
      .optional(),
    note: z.string().trim().max(BOOKING_NOTE_MAX).optional(),
    /** Required with FAILED: why it could not be delivered or collected. */
    failureReason: z.string().trim().min(3, "failureReason: ít nhất 3 ký tự").max(FAILURE_REASON_MAX).optional(),
    /** Required with FAILED: who pays for a second try — the party that caused the failure (Decision 45/2016). */
    retryPaidBy: z.enum(RETRY_PAYERS, { message: "retryPaidBy là CITIZEN, POST_OFFICE hoặc AGENCY" }).optional(),
  })
  .strict();

/** The signed-in staff member behind a request (recorded as who handled a booking); null for an API key. */
export const staffUserOf = (principal: Principal): string | null => (principal.kind === "session" ? principal.id : null);

/** The service's filter from a parsed list query (`to` is already the exclusive end). */
export function listFilter(q: z.output<typeof bookingListQuery>) {
  return { ...(q.status ? { status: q.status } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
}

export function registerBookingRoutes(app: FastifyInstance, deps: { bookings: BookingService }): void {
  app.get("/api/v1/bookings", async (request) => {
    const principal = requirePrincipal(request);
    const q = parseOrThrow(bookingListQuery, request.query ?? {}, "query");
    const rows = await deps.bookings.forUnit(unitScope(principal), listFilter(q));
    return {
      bookings: rows.map((b) => ({
        reference: b.reference,
        kind: b.kind,
        status: b.status,
        dossierCode: b.dossier?.code ?? null,
        recipientName: b.recipientName,
        recipientIsApplicant: b.recipientIsApplicant,
        handOverRule: handOverRule(b.kind, b.recipientIsApplicant),
        recipientPhone: b.recipientPhone,
        address: fullAddress(b.addressLine, b.commune.fullName),
        hamlet: b.hamlet?.name ?? null,
        communeCode: b.communeCode,
        timeWindow: b.timeWindow,
        postage: b.postage,
        waybillCode: b.waybillCode,
        dispatchedAt: b.dispatchedAt,
        completedAt: b.completedAt,
        failedAt: b.failedAt,
        failureReason: b.failureReason,
        retryPaidBy: b.retryPaidBy,
        createdAt: b.createdAt,
      })),
    };
  });

  app.post("/api/v1/bookings/:reference/status", async (request) => {
    const principal = requirePrincipal(request);
    const { reference } = parseOrThrow(z.object({ reference: z.string().regex(/^BD-[A-Z0-9]{6}$/, "mã lịch hẹn có dạng BD-XXXXXX") }), request.params, "reference");
    const body = parseOrThrow(bookingMoveBody, request.body ?? {}, "status");
    const moved = await deps.bookings.move(reference, body.status, unitScope(principal), {
      waybillCode: body.waybillCode ?? null,
      note: body.note ?? null,
      failureReason: body.failureReason ?? null,
      retryPaidBy: body.retryPaidBy ?? null,
      handledById: staffUserOf(principal),
    });
    return {
      reference: moved.reference,
      status: moved.status,
      waybillCode: moved.waybillCode,
      dispatchedAt: moved.dispatchedAt,
      completedAt: moved.completedAt,
      failedAt: moved.failedAt,
      failureReason: moved.failureReason,
      retryPaidBy: moved.retryPaidBy,
      repeated: moved.repeated,
    };
  });
}

export const bookingPaths: PathItems = {
  "/api/v1/bookings": {
    get: {
      summary: "Post office or commune staff: the bookings of the unit, newest first (status, kind, booked from/to), each with who may receive it and the hand-over rule",
      security: staffSecurity,
      parameters: queryParameters(bookingListQuery),
      responses: {
        "200": jsonResponse("bookings: reference, kind, status, dossierCode, recipient, phone, address, hamlet, timeWindow, postage, waybillCode, dispatchedAt/completedAt/failedAt, failureReason, retryPaidBy"),
        "400": errorResponse("A filter is not valid (it is named)."),
        ...guardResponses,
      },
    },
  },
  "/api/v1/bookings/{reference}/status": {
    post: {
      summary:
        "Post office staff: move a booking forward — CONFIRMED; DISPATCHED with a waybillCode; COMPLETED; FAILED with failureReason and retryPaidBy (the party that caused it pays the second try, Decision 45/2016); CANCELLED. The same move repeated is harmless (repeated: true); the citizen is notified once.",
      security: staffSecurity,
      parameters: [{ ...pathParameter("reference", "BD-7K3M9Q"), schema: { type: "string", pattern: "^BD-[A-Z0-9]{6}$" } }],
      requestBody: jsonBody(bookingMoveBody),
      responses: {
        "200": jsonResponse("The booking after the move: reference, status, waybillCode, dispatchedAt, completedAt, failedAt, failureReason, retryPaidBy, repeated"),
        "400": errorResponse("Bad input, named: a waybill code missing to dispatch or not letters/digits 4–30; a failure without its reason or who pays the second try."),
        ...guardResponses,
        "404": errorResponse("No such booking in this unit."),
        "409": errorResponse("Not a forward move; the result is not ready yet (to dispatch, complete or fail a result delivery); or already moved with other details."),
      },
    },
  },
};
