/** Post office staff: the collection/delivery bookings of their unit, moved forward as they are worked. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ApiKeyService } from "../../auth/api-keys.js";
import { handOverRule, type BookingService } from "../../bookings/booking-service.js";
import { BookingStatus } from "../../generated/prisma/enums.js";
import { requireRole } from "../auth.js";
import { parseOrThrow } from "../errors.js";

const listQuery = z.object({ status: z.enum(BookingStatus, { message: `status là một trong ${Object.values(BookingStatus).join(", ")}` }).optional() });
const moveBody = z.object({
  status: z.enum(BookingStatus, { message: `status là một trong ${Object.values(BookingStatus).join(", ")}` }),
  waybillCode: z.string().trim().min(4, "mã vận đơn quá ngắn").max(40).optional(),
  note: z.string().trim().max(500).optional(),
});

export function registerBookingRoutes(app: FastifyInstance, deps: { keys: ApiKeyService; bookings: BookingService }): void {
  app.get("/api/v1/bookings", async (request) => {
    const principal = await requireRole(deps.keys, request, ["POST_OFFICE_STAFF", "COMMUNE_STAFF"]);
    const { status } = parseOrThrow(listQuery, request.query, "status");
    const rows = await deps.bookings.forUnit(principal.role === "ADMIN" ? null : principal.unitCode, status);
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
    const principal = await requireRole(deps.keys, request, ["POST_OFFICE_STAFF"]);
    const { reference } = parseOrThrow(z.object({ reference: z.string().regex(/^BD-[A-Z0-9]{6}$/, "mã lịch hẹn có dạng BD-XXXXXX") }), request.params, "reference");
    const body = parseOrThrow(moveBody, request.body ?? {}, "status");
    const moved = await deps.bookings.move(reference, body.status, principal.role === "ADMIN" ? null : principal.unitCode, {
      ...(body.waybillCode ? { waybillCode: body.waybillCode } : {}),
      ...(body.note ? { note: body.note } : {}),
    });
    return { reference: moved.reference, status: moved.status, waybillCode: moved.waybillCode };
  });
}
