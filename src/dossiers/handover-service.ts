/**
 * Hand-overs recorded by staff (a line of form 05): from which unit and person to which, when,
 * and early / on time / late against the step's deadline (or the dossier's due date in force).
 * Confined to the principal's unit like every dossier route: a dossier outside it is "not found".
 * A retried request with the same Idempotency-Key (per recorder) answers the hand-over recorded
 * the first time; the same key with other content is a 409. Postal events record their own
 * hand-overs in the ingest (handover-rules.ts).
 */
import { z } from "zod";
import { canTouchDossier, type Principal } from "../auth/guard.js";
import type { CalendarService } from "../calendar/calendar-service.js";
import type { Db } from "../db/client.js";
import { AppError, NotFoundError, ValidationError } from "../errors.js";
import type { Handover } from "../generated/prisma/client.js";
import { FORMS_TEXT, HANDOVER_RESULT_LABELS } from "../text/staff-vi.js";
import { staffText } from "./staff-text.js";
import { CONTROL_ONE_LINE } from "../text/characters.js";
import { staffAppointment, staffDateTime } from "./event-schema.js";
import { handoverResult, POSTAL_STEP_STATUSES } from "./handover-rules.js";


/** `POST /api/v1/dossiers/{code}/handovers`. */
export const handoverInput = z
  .object({
    fromUnit: staffText(200),
    toUnit: staffText(200),
    handedBy: staffText(200),
    receivedBy: staffText(200),
    /** When it was handed over (ISO 8601; no offset: Vietnam time); not ahead of now by more than 5 minutes, not before the dossier's receipt. */
    handedAt: staffDateTime,
    /** This step's deadline (a date alone: 17:00 that day); none: the dossier's due date. */
    stepDueAt: staffAppointment.nullish(),
    note: z.union([z.literal("").transform(() => null), staffText(1000)]).nullish(),
  })
  .strict();

export type HandoverInput = z.output<typeof handoverInput>;

/** A hand-over as the API and the pages show it. */
export function handoverView(h: Handover) {
  return {
    id: h.id,
    fromUnit: h.fromUnit,
    toUnit: h.toUnit,
    handedBy: h.handedBy,
    receivedBy: h.receivedBy,
    handedAt: h.handedAt,
    stepDueAt: h.stepDueAt,
    result: h.result,
    resultLabel: HANDOVER_RESULT_LABELS[h.result],
    note: h.note,
    postalReceipt: h.postalReceipt,
    /** "event": recorded by a postal event by itself; "staff": recorded by a person. */
    recordedBy: h.eventId ? ("event" as const) : ("staff" as const),
  };
}

export type HandoverView = ReturnType<typeof handoverView>;

export class HandoverService {
  constructor(
    private readonly db: Db,
    private readonly calendar: CalendarService,
  ) {}

  async record(principal: Principal, code: string, input: HandoverInput, idempotencyKey?: string | null): Promise<{ handover: HandoverView; replayed: boolean }> {
    const key = idempotencyKey?.trim() || null;
    if (key !== null && (key.length > 200 || CONTROL_ONE_LINE.test(key))) throw new ValidationError("Idempotency-Key: tối đa 200 ký tự, không có ký tự điều khiển", { field: "Idempotency-Key" });
    const dossier = await this.db.dossier.findUnique({
      where: { code },
      select: {
        id: true,
        receivedAt: true,
        dueAt: true,
        newDueAt: true,
        commune: { select: { code: true, parentCode: true } },
        // what tells whether the post office has a part in it (canTouchDossier)
        channel: true,
        bookings: { select: { id: true }, take: 1 },
        events: { where: { status: { in: [...POSTAL_STEP_STATUSES] } }, select: { id: true }, take: 1 },
      },
    });
    if (!dossier || !canTouchDossier(principal, { commune: dossier.commune, handledByPost: dossier.channel === "POSTAL" || dossier.bookings.length > 0 || dossier.events.length > 0 })) throw new NotFoundError(`Không có hồ sơ ${code} trong đơn vị của bạn (no such dossier in your unit).`);
    const handedAt = new Date(input.handedAt);
    if (dossier.receivedAt && handedAt < dossier.receivedAt) {
      throw new ValidationError(`handedAt: ${FORMS_TEXT.handoverBeforeReceipt} (${dossier.receivedAt.toISOString()})`, { field: "handedAt" });
    }
    const stepDueAt = input.stepDueAt ? new Date(input.stepDueAt) : null;
    const result = handoverResult(handedAt, stepDueAt ?? dossier.newDueAt ?? dossier.dueAt, await this.calendar.calendar());
    const recordedByRef = `${principal.kind}:${principal.id}`;
    const data = {
      dossierId: dossier.id,
      fromUnit: input.fromUnit,
      toUnit: input.toUnit,
      handedBy: input.handedBy,
      receivedBy: input.receivedBy,
      handedAt,
      stepDueAt,
      result,
      note: input.note ?? null,
      recordedByRef,
      recordedById: principal.kind === "session" ? principal.id : null,
      idempotencyKey: key,
    };
    if (key) {
      const earlier = await this.replay(recordedByRef, key, data);
      if (earlier) return { handover: earlier, replayed: true };
    }
    try {
      return { handover: handoverView(await this.db.handover.create({ data })), replayed: false };
    } catch (error) {
      // Two requests with one key at once: the second meets the unique (recordedByRef, idempotencyKey).
      if (key && (error as { code?: string }).code === "P2002") {
        const earlier = await this.replay(recordedByRef, key, data);
        if (earlier) return { handover: earlier, replayed: true };
      }
      throw error;
    }
  }

  /** The hand-over a key already recorded (null: none); a 409 when it was for other content. */
  private async replay(recordedByRef: string, key: string, data: { dossierId: string; fromUnit: string; toUnit: string; handedBy: string; receivedBy: string; handedAt: Date; stepDueAt: Date | null; note: string | null }): Promise<HandoverView | null> {
    const earlier = await this.db.handover.findUnique({ where: { recordedByRef_idempotencyKey: { recordedByRef, idempotencyKey: key } } });
    if (!earlier) return null;
    const same =
      earlier.dossierId === data.dossierId &&
      earlier.fromUnit === data.fromUnit &&
      earlier.toUnit === data.toUnit &&
      earlier.handedBy === data.handedBy &&
      earlier.receivedBy === data.receivedBy &&
      earlier.handedAt.getTime() === data.handedAt.getTime() &&
      (earlier.stepDueAt?.getTime() ?? null) === (data.stepDueAt?.getTime() ?? null) &&
      earlier.note === data.note;
    if (!same) throw new AppError("CONFLICT", FORMS_TEXT.idempotencyReused, { field: "Idempotency-Key" });
    return handoverView(earlier);
  }
}
