/**
 * Post office staff: the collection/delivery bookings of their unit, moved forward as they are
 * worked. The guard (src/auth/guard.ts) lets in the roles and confines each to its unit; a booking
 * outside the unit is answered as if it did not exist (404).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { unitScope } from "../../auth/guard.js";
import { handOverRule, type BookingService } from "../../bookings/booking-service.js";
import { BookingStatus } from "../../generated/prisma/enums.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";

const listQuery = z.object({ status: z.enum(BookingStatus, { message: `status là một trong ${Object.values(BookingStatus).join(", ")}` }).optional() });
const moveBody = z.object({
  status: z.enum(BookingStatus, { message: `status là một trong ${Object.values(BookingStatus).join(", ")}` }),
  waybillCode: z.string().trim().min(4, "mã vận đơn quá ngắn").max(40).optional(),
  note: z.string().trim().max(500).optional(),
});

export function registerBookingRoutes(app: FastifyInstance, deps: { bookings: BookingService }): void {
  app.get("/api/v1/bookings", async (request) => {
    const principal = requirePrincipal(request);
    const { status } = parseOrThrow(listQuery, request.query, "status");
    const rows = await deps.bookings.forUnit(unitScope(principal), status);
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
        address: `${b.addressLine}, ${b.commune.fullName}`,
        communeCode: b.communeCode,
        timeWindow: b.timeWindow,
        postage: b.postage,
        waybillCode: b.waybillCode,
        createdAt: b.createdAt,
      })),
    };
  });

  app.post("/api/v1/bookings/:reference/status", async (request) => {
    const principal = requirePrincipal(request);
    const { reference } = parseOrThrow(z.object({ reference: z.string().regex(/^BD-[A-Z0-9]{6}$/, "mã lịch hẹn có dạng BD-XXXXXX") }), request.params, "reference");
    const body = parseOrThrow(moveBody, request.body ?? {}, "status");
    const moved = await deps.bookings.move(reference, body.status, unitScope(principal), {
      ...(body.waybillCode ? { waybillCode: body.waybillCode } : {}),
      ...(body.note ? { note: body.note } : {}),
    });
    return { reference: moved.reference, status: moved.status, waybillCode: moved.waybillCode };
  });
}
