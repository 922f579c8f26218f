/**
 * Lateness, computed (it is not a status): from a dossier's status, its due date (the new one when
 * an apology moved it), when its result was ready, the working calendar and now.
 *
 * - With a result: EARLY (ready before the due day), ON_TIME (on it) or LATE (after it), with how
 *   many working days early or late.
 * - Without a result yet: OVERDUE (past the due date; how many working days past the due day),
 *   DUE_SOON (due by the end of the next working day after today, as the overdue watch counts
 *   it), or PENDING (working days left).
 * - CLOSED: ended without a result (refused, withdrawn, stopped); NO_DUE_DATE: no appointment known.
 */
import type { DossierStatus } from "../generated/prisma/enums.js";
import { dayKey, shiftDay, type WorkingCalendar } from "./working-days.js";

/** Statuses in which the result exists (ready, returned, or on its way through the post). */
export const RESULT_STATUSES: readonly DossierStatus[] = ["RESULT_READY", "RETURNED", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_FAILED"];
/** Statuses in which the dossier ended without a result. */
export const ENDED_WITHOUT_RESULT: readonly DossierStatus[] = ["REFUSED", "WITHDRAWN", "STOPPED"];
/** Statuses in which a dossier is no longer waiting for its result (it has one, or it ended without one). */
export const RESULT_OR_ENDED: DossierStatus[] = ["RESULT_READY", "RETURNED", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_FAILED", "WITHDRAWN", "REFUSED", "STOPPED"];

export type LatenessState = "EARLY" | "ON_TIME" | "LATE" | "OVERDUE" | "DUE_SOON" | "PENDING" | "CLOSED" | "NO_DUE_DATE";

export interface Lateness {
  state: LatenessState;
  /** The due date it is judged against: the new one after an apology, else the first. */
  dueAt: Date | null;
  /** Whether an apology (or upstream's DELAYED event) moved the due date. */
  moved: boolean;
  /** When the result was ready (the first event with a result), for EARLY / ON_TIME / LATE. */
  resultAt: Date | null;
  /**
   * EARLY: working days before the due day; LATE: working days after it; OVERDUE: working days
   * from the due day to today (0 on the due day itself, after the due time); DUE_SOON: 0 (due
   * today) or 1 (the next working day); PENDING: working days left; otherwise null.
   */
  workingDays: number | null;
}

export interface LatenessInput {
  status: DossierStatus;
  dueAt: Date | null;
  newDueAt: Date | null;
  /** When the result was first ready (null: not known; the status time is used then). */
  resultAt: Date | null;
  /** When the status was set (the fallback for resultAt). */
  statusAt: Date;
}

export function hasResult(status: DossierStatus): boolean {
  return RESULT_STATUSES.includes(status);
}

/** The first moment a result existed, from a dossier's events (any order). */
export function resultTime(events: readonly { status: DossierStatus | string; occurredAt: Date }[]): Date | null {
  let first: Date | null = null;
  for (const e of events) if (RESULT_STATUSES.includes(e.status as DossierStatus) && (first === null || e.occurredAt < first)) first = e.occurredAt;
  return first;
}

export function lateness(d: LatenessInput, calendar: WorkingCalendar, now: Date = new Date()): Lateness {
  const due = d.newDueAt ?? d.dueAt;
  const moved = d.newDueAt !== null && d.newDueAt !== undefined;
  if (hasResult(d.status)) {
    const resultAt = d.resultAt ?? d.statusAt;
    if (!due) return { state: "NO_DUE_DATE", dueAt: null, moved, resultAt, workingDays: null };
    const state = calendar.timeliness(resultAt, due);
    const workingDays = state === "ON_TIME" ? 0 : Math.abs(calendar.workingDaysBetween(due, resultAt));
    return { state, dueAt: due, moved, resultAt, workingDays };
  }
  if (ENDED_WITHOUT_RESULT.includes(d.status)) return { state: "CLOSED", dueAt: due, moved, resultAt: null, workingDays: null };
  if (!due) return { state: "NO_DUE_DATE", dueAt: null, moved, resultAt: null, workingDays: null };
  const today = dayKey(now);
  const dueDay = dayKey(due);
  if (now.getTime() > due.getTime()) {
    return { state: "OVERDUE", dueAt: due, moved, resultAt: null, workingDays: Math.max(0, calendar.workingDaysBetween(dueDay, today)) };
  }
  const left = Math.max(0, calendar.workingDaysBetween(today, dueDay));
  // Due by the end of the next working day after today (as the overdue watch counts it).
  const nextWorkingDay = calendar.nextWorkingDay(shiftDay(today, 1));
  return { state: dueDay <= nextWorkingDay ? "DUE_SOON" : "PENDING", dueAt: due, moved, resultAt: null, workingDays: left };
}
