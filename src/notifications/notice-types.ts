/** The notices a dossier's citizen receives, and each one's delivery policy. */
import { z } from "zod";
import type { DossierStatus } from "../generated/prisma/enums.js";

export const DOSSIER_NOTICE_TYPES = [
  "RECEIVED",
  "REFUSED",
  "SUPPLEMENT_REQUIRED",
  "PAYMENT_REQUIRED",
  "WITHDRAWN",
  "STOPPED",
  "DELAYED",
  "RESULT_READY",
  "RETURNED",
  "POSTAL_COLLECTED",
  "POSTAL_HANDED_TO_DESK",
  "RESULT_HANDED_TO_POST",
  "OUT_FOR_DELIVERY",
  "DELIVERED",
  "DELIVERY_FAILED",
] as const;

export type DossierNoticeType = (typeof DOSSIER_NOTICE_TYPES)[number];

/**
 * Every notice type the sender knows: the dossier statuses, postal booking updates, one-time codes,
 * announcements, and the staff's morning digest of the overdue watch (to a linked staff chat).
 */
export const NOTICE_TYPES = [...DOSSIER_NOTICE_TYPES, "BOOKING_UPDATE", "OTP", "BROADCAST", "STAFF_DIGEST", "STAFF_REPORT_REMINDER"] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

export interface BookingNoticeVariables {
  reference: string;
  kind: "RESULT_DELIVERY" | "DOSSIER_COLLECTION";
  status: "CONFIRMED" | "DISPATCHED" | "COMPLETED" | "FAILED" | "CANCELLED";
  /** The dossier code (delivery) or procedure name (collection). */
  subject: string;
  timeWindow: string;
  waybillCode?: string | null;
  note?: string | null;
}

/** A one-time code for the phone on record (src/verification/one-time-codes.ts). */
export interface OtpNoticeVariables {
  code: string;
  purpose: "BOOKING" | "CANCEL_BOOKING" | "SUBSCRIBE";
  /** Minutes the code stays valid. */
  minutes: number;
  /**
   * What exactly it confirms (a dossier code, where a result goes), so that a citizen asked for the
   * code by someone else — a caller posing as the post office — sees what they would be agreeing to.
   */
  what?: string | null;
}

/** An announcement's notice names only its broadcast: the text is read once per worker, not stored per recipient. */
export interface BroadcastNoticeVariables {
  broadcastId: string;
}

export interface NoticeVariables {
  citizenName?: string | null;
  dossierCode: string;
  procedureName?: string | null;
  /** dd/MM/yyyy, Asia/Ho_Chi_Minh. */
  receivedDate?: string | null;
  dueDate?: string | null;
  newDueDate?: string | null;
  /** The upstream note: reason, what is missing, where to collect… */
  note?: string | null;
  communeName?: string | null;
  submissionChannel?: "COUNTER" | "ONLINE" | "POSTAL" | null;
  /** The result came before the appointment date. */
  early?: boolean;
  /** Where the citizen can look the dossier up or book delivery. */
  link?: string | null;
}

export interface NoticePolicy {
  /** Sent even in quiet hours. */
  urgent: boolean;
  /** Minutes to wait for a delivery receipt before trying the next channel. */
  receiptDeadlineMinutes: number;
}

const normal: NoticePolicy = { urgent: false, receiptDeadlineMinutes: 30 };

export const NOTICE_POLICIES: Record<NoticeType, NoticePolicy> = {
  BOOKING_UPDATE: normal,
  // The staff's morning digest (Telegram only, which has no delivery receipts).
  STAFF_DIGEST: normal,
  // The monthly report's reminder to a unit's staff who linked Telegram.
  STAFF_REPORT_REMINDER: normal,
  // Announcements: an urgent one says so on the notice itself (it may go in quiet hours and fall
  // back to SMS); a normal one waits for quiet hours to end on every channel (see the sender).
  BROADCAST: { urgent: false, receiptDeadlineMinutes: 15 },
  // A code the citizen is waiting for, valid 10 minutes: never held by quiet hours, quick to fall back.
  OTP: { urgent: true, receiptDeadlineMinutes: 2 },
  RECEIVED: normal,
  REFUSED: normal,
  SUPPLEMENT_REQUIRED: normal,
  PAYMENT_REQUIRED: normal,
  WITHDRAWN: normal,
  STOPPED: normal,
  DELAYED: normal,
  RESULT_READY: normal,
  RETURNED: normal,
  POSTAL_COLLECTED: normal,
  POSTAL_HANDED_TO_DESK: normal,
  RESULT_HANDED_TO_POST: normal,
  // The postman is on the way today: worth waking up for, and quick to fall back.
  OUT_FOR_DELIVERY: { urgent: true, receiptDeadlineMinutes: 10 },
  DELIVERED: normal,
  DELIVERY_FAILED: { urgent: false, receiptDeadlineMinutes: 15 },
};

/** The notice a status change causes; null for statuses that are not news to the citizen. */
export function noticeTypeForStatus(status: DossierStatus): DossierNoticeType | null {
  switch (status) {
    case "REGISTERED": // the citizen registered it themselves; the portal already confirmed it
    case "PROCESSING": // internal step
      return null;
    default:
      return status;
  }
}

// ───────────── The stored variables each type needs, checked before its text is made ─────────────

const text = z.string();
const optionalText = z.string().nullish();
const dossierVariables = z.object({
  citizenName: optionalText,
  dossierCode: z.string().min(1),
  procedureName: optionalText,
  receivedDate: optionalText,
  dueDate: optionalText,
  newDueDate: optionalText,
  note: optionalText,
  communeName: optionalText,
  // Only compared with "POSTAL": another value makes the text of the other channels, not a failure.
  submissionChannel: optionalText,
  early: z.boolean().optional(),
  link: optionalText,
});
const count = z.number().int().nonnegative();
const VARIABLES: Record<Exclude<NoticeType, "BROADCAST" | DossierNoticeType>, z.ZodType> = {
  BOOKING_UPDATE: z.object({
    reference: text.min(1),
    kind: z.enum(["RESULT_DELIVERY", "DOSSIER_COLLECTION"]),
    status: z.enum(["CONFIRMED", "DISPATCHED", "COMPLETED", "FAILED", "CANCELLED"]),
    subject: text,
    timeWindow: text,
    waybillCode: optionalText,
    note: optionalText,
  }),
  OTP: z.object({ code: text.min(1), purpose: z.enum(["BOOKING", "CANCEL_BOOKING", "SUBSCRIBE"]), minutes: z.number().positive(), what: optionalText }),
  STAFF_DIGEST: z.object({
    staffName: text,
    unitName: text.nullable(),
    date: text.min(1),
    total: count,
    overdue: count,
    dueSoon: count,
    items: z.array(z.object({ code: text.min(1), procedureName: text.nullable(), dueDate: text, overdue: z.boolean(), lateWorkingDays: z.number() })),
    link: text.nullable(),
  }),
  STAFF_REPORT_REMINDER: z.object({ staffName: text, unitName: text.nullable(), monthLabel: text.min(1), lastDay: text.min(1), link: text.nullable() }),
};

/**
 * A notice's stored variables, checked against what its type's text needs (an announcement's are
 * read from its broadcast instead). Throws, naming what is missing or wrong, for variables no text
 * can be made from — `{}` for a dossier notice would otherwise read "hồ sơ undefined"; the sender
 * then marks the notice FAILED with that reason and sends nothing.
 */
export function noticeVariables(type: Exclude<NoticeType, "BROADCAST">, stored: unknown): unknown {
  const schema = (DOSSIER_NOTICE_TYPES as readonly string[]).includes(type) ? dossierVariables : VARIABLES[type as keyof typeof VARIABLES];
  const checked = schema.safeParse(stored);
  if (checked.success) return checked.data;
  const issues = checked.error.issues.map((i) => `${i.path.join(".") || "(the whole)"}: ${i.message}`).join("; ");
  throw new Error(`the variables of a ${type} notice are not what its text needs (${issues})`);
}
