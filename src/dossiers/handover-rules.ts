/**
 * Hand-overs (the lines of form 05, "Phiếu kiểm soát quá trình giải quyết hồ sơ"): who handed a
 * dossier to whom, when, and whether that was early, on time or late against the step's deadline.
 * Pure rules, shared by the ingest (postal events record their hand-over by themselves) and the
 * hand-over service (staff record the others).
 */
import type { DossierStatus, HandoverResult } from "../generated/prisma/enums.js";
import { WorkingCalendar } from "../calendar/working-days.js";
import { HANDOVER_PARTIES } from "../text/staff-vi.js";

/** Early / on time / late is judged by calendar day in Vietnam; the holidays play no part in it. */
const DAYS = new WorkingCalendar();

/**
 * Early, on time or late against a deadline (the step's, else the dossier's due date in force).
 * With no deadline at all there is nothing to be late for: on time.
 */
export function handoverResult(handedAt: Date, deadline: Date | null, calendar: WorkingCalendar = DAYS): HandoverResult {
  return deadline ? calendar.timeliness(handedAt, deadline) : "ON_TIME";
}

/** A waybill code in the international postal format (UPU S10, e.g. EB123456789VN), as Vietnam Post prints it. */
const S10 = /\b([A-Z]{2}\d{9}[A-Z]{2})\b/;

/** The waybill code in an event's note, if it gives one. */
export function waybillIn(note: string | null | undefined): string | null {
  return note ? (S10.exec(note.toUpperCase())?.[1] ?? null) : null;
}

/** The statuses of a dossier's postal steps: the post office collected it, or carries its result. */
export const POSTAL_STEP_STATUSES = ["POSTAL_COLLECTED", "POSTAL_HANDED_TO_DESK", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_FAILED"] as const satisfies readonly DossierStatus[];

/** The postal events that are themselves a hand-over, the post office being one party. */
export const POSTAL_HANDOVER_STATUSES = ["POSTAL_COLLECTED", "POSTAL_HANDED_TO_DESK", "RESULT_HANDED_TO_POST", "DELIVERED"] as const satisfies readonly DossierStatus[];

export interface PostalHandover {
  fromUnit: string;
  toUnit: string;
  handedBy: string;
  receivedBy: string;
  handedAt: Date;
  result: HandoverResult;
  note: string | null;
  postalReceipt: string | null;
  /** The kind of booking whose waybill stands for the receipt when the note gives none. */
  bookingKind: "DOSSIER_COLLECTION" | "RESULT_DELIVERY";
}

/**
 * The hand-over a postal event stands for, or null for any other event:
 * POSTAL_COLLECTED: the applicant → the post office; POSTAL_HANDED_TO_DESK: the post office → the
 * commune's one-stop desk; RESULT_HANDED_TO_POST: the commune's desk → the post office;
 * DELIVERED: the post office → the applicant. Judged against the dossier's due date in force.
 */
export function postalHandover(
  e: { status: DossierStatus; occurredAt: Date; note: string | null },
  d: { dueAt: Date | null; newDueAt: Date | null },
  communeName: string | null,
  applicantName: string | null,
): PostalHandover | null {
  const P = HANDOVER_PARTIES;
  const desk = communeName ? `${P.desk} ${communeName}` : P.desk;
  const citizen = applicantName?.trim() || P.applicant;
  const parties: Partial<Record<DossierStatus, [string, string, string, string]>> = {
    POSTAL_COLLECTED: [P.applicantUnit, P.postOffice, citizen, P.postalClerk],
    POSTAL_HANDED_TO_DESK: [P.postOffice, desk, P.postalClerk, P.deskOfficer],
    RESULT_HANDED_TO_POST: [desk, P.postOffice, P.deskOfficer, P.postalClerk],
    DELIVERED: [P.postOffice, P.applicantUnit, P.postalClerk, citizen],
  };
  const p = parties[e.status];
  if (!p) return null;
  return {
    fromUnit: p[0],
    toUnit: p[1],
    handedBy: p[2],
    receivedBy: p[3],
    handedAt: e.occurredAt,
    result: handoverResult(e.occurredAt, d.newDueAt ?? d.dueAt),
    note: e.note,
    postalReceipt: waybillIn(e.note),
    bookingKind: e.status === "POSTAL_COLLECTED" || e.status === "POSTAL_HANDED_TO_DESK" ? "DOSSIER_COLLECTION" : "RESULT_DELIVERY",
  };
}
