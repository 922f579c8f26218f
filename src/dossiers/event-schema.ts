/** The upstream contract: one dossier status event (design.md), validated at the edge. */
import { Metadata, parsePhoneNumberFromString } from "libphonenumber-js/max";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { DossierStatus } from "../generated/prisma/enums.js";

/** National status codes 1–10. */
export const STATUS_BY_CODE: Record<number, DossierStatus> = {
  1: "REGISTERED",
  2: "RECEIVED",
  3: "REFUSED",
  4: "PROCESSING",
  5: "SUPPLEMENT_REQUIRED",
  6: "PAYMENT_REQUIRED",
  7: "WITHDRAWN",
  8: "STOPPED",
  9: "RESULT_READY",
  10: "RETURNED",
};

/** `<agency code>-<YYMMDD or YYYYMMDD>-<sequence>`, any agency's format. */
export const DOSSIER_CODE = /^[A-Z0-9][A-Z0-9._]{0,40}-\d{6}(\d{2})?-\d{2,10}$/;

export function normalizeDossierCode(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * A Vietnamese phone → E.164, or null when it is not a valid Vietnamese number (a foreign one
 * included). Answers are remembered for the last 10,000 spellings: a dossier's events repeat its
 * applicant's phone, and the full metadata's parse is the costliest check of an event.
 */
export function toE164(raw: string): string | null {
  const compact = raw.replace(/[\s.()-]/g, "");
  const known = e164Cache.get(compact);
  if (known !== undefined) return known === "" ? null : known;
  let e164 = vietnameseSubscriber(compact);
  if (e164 === null) {
    const parsed = parsePhoneNumberFromString(compact, "VN");
    e164 = parsed?.isValid() && parsed.country === "VN" ? parsed.number : null;
  }
  e164Cache.set(compact, e164 ?? "");
  return e164;
}
const e164Cache = new LRUCache<string, string>({ max: 10_000 });

/**
 * The spellings nearly every upstream uses — `0` or `+84` then a mobile (9 digits) or fixed-line
 * (10 digits) number — checked with the library's own Vietnamese patterns, compiled once: its
 * parse builds a regular expression per pattern on every call, and cost more than the rest of an
 * event's checks together. Any other spelling, and any number these patterns refuse, goes to
 * the parse (so this answers a number or nothing, never "invalid"; test/unit/phone-e164.test.ts
 * checks it against the parse over every prefix).
 */
export function vietnameseSubscriber(compact: string): string | null {
  const m = VN_SPELLING.exec(compact);
  if (!m) return null;
  const national = m[1]!;
  if (!VN_NUMBER.general.test(national)) return null;
  const type = national.length === 9 ? VN_NUMBER.mobile : VN_NUMBER.fixedLine;
  return type.lengths.includes(national.length) && type.pattern.test(national) ? `+84${national}` : null;
}
const VN_SPELLING = /^(?:0|\+84)(\d{9,10})$/;
const VN_NUMBER = (() => {
  const metadata = new Metadata() as unknown as {
    selectNumberingPlan(country: string): void;
    nationalNumberPattern(): string;
    type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
  };
  metadata.selectNumberingPlan("VN");
  const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);
  const type = (name: string) => {
    const t = metadata.type(name);
    // No such pattern in the metadata: nothing is taken here, everything goes to the parse.
    if (!t || !t.pattern()) return { lengths: [] as number[], pattern: /^$/ };
    return { lengths: t.possibleLengths() ?? [9, 10], pattern: whole(t.pattern()) };
  };
  return { general: whole(metadata.nationalNumberPattern()), mobile: type("MOBILE"), fixedLine: type("FIXED_LINE") };
})();

const DATE_TIME_MESSAGE = "must be an ISO 8601 date-time, e.g. 2026-11-20T09:15:00+07:00";
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** Built once (building a zod schema per value cost more than checking it). */
const ISO_DATE_TIME = z.iso.datetime({ offset: true });

/** No event or appointment before this is believable (year-0001 or epoch dates are mistakes). */
export const EARLIEST_DATE = new Date("2000-01-01T00:00:00+07:00");
/** How far ahead of this server's clock an event may say it happened (clocks drift a little). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** How far ahead an appointment (`dueAt`, `newDueAt`) may be. */
export const MAX_APPOINTMENT_YEARS = 5;

/**
 * An ISO 8601 date-time. With no offset it is read as Vietnam time (UTC+7); an appointment given
 * as a date alone (`dueAt`, `newDueAt`) means that day at 17:00, when the desk closes. Dates
 * before 2000 are refused, and so are those after `latest()` (read when the event is checked):
 * an event dated in the year 9999 would otherwise hold its dossier's status forever.
 */
const dateTime = (options: { dateOnlyAt?: string; latest: () => Date; tooLate: string }) =>
  z.string({ message: DATE_TIME_MESSAGE }).transform((value, ctx) => {
    const v = value.trim();
    let text = v;
    // With seconds (the ISO check wants them), so that the calendar is checked for every form:
    // JavaScript's Date rolls 31 February over to 3 March and 24:00 to the next day.
    if (LOCAL_DATE_TIME.test(v)) text = `${v.length === 16 ? `${v}:00` : v}+07:00`;
    else if (options.dateOnlyAt && DATE_ONLY.test(v)) text = `${v}T${options.dateOnlyAt}+07:00`;
    if (!ISO_DATE_TIME.safeParse(text).success) {
      ctx.addIssue({ code: "custom", message: DATE_TIME_MESSAGE });
      return z.NEVER;
    }
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: "custom", message: DATE_TIME_MESSAGE });
      return z.NEVER;
    }
    if (date < EARLIEST_DATE) {
      ctx.addIssue({ code: "custom", message: "must not be before the year 2000" });
      return z.NEVER;
    }
    if (date > options.latest()) {
      ctx.addIssue({ code: "custom", message: options.tooLate });
      return z.NEVER;
    }
    return date.toISOString();
  });
export const isoDateTime = dateTime({ latest: () => new Date(Date.now() + MAX_CLOCK_SKEW_MS), tooLate: "must not be in the future (more than 5 minutes ahead of now)" });
export const appointment = dateTime({
  dateOnlyAt: "17:00:00",
  latest: () => {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() + MAX_APPOINTMENT_YEARS);
    return d;
  },
  tooLate: `must be within ${MAX_APPOINTMENT_YEARS} years from now`,
});
const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

export const dossierEventSchema = z
  .object({
    eventId: z.string({ message: "is required" }).trim().min(1, "must not be empty").max(128, "must be at most 128 characters"),
    dossierCode: z
      .string({ message: "is required" })
      .transform(normalizeDossierCode)
      .pipe(z.string().regex(DOSSIER_CODE, "must look like <agency code>-<YYMMDD>-<sequence>, e.g. H15.50.05.13-261008-0975")),
    status: z.enum(DossierStatus, { message: `must be one of ${Object.values(DossierStatus).join(", ")}` }).optional(),
    // An integer 1–10, or its decimal string ("9"); not true, [9], "0x9", " 9 " or "" (z.coerce took them all).
    statusCode: z
      .unknown()
      .transform((v, ctx) => {
        if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 10) return v;
        if (typeof v === "string" && /^(?:[1-9]|10)$/.test(v)) return Number(v);
        ctx.addIssue({ code: "custom", message: "must be an integer from 1 to 10 (a number, or a string of its digits)" });
        return z.NEVER;
      })
      .optional(),
    occurredAt: isoDateTime,
    procedure: z
      .object({ code: text(32).nullish(), name: text(500).nullish() })
      .nullish(),
    applicant: z
      .object({
        fullName: text(200).nullish(),
        phone: z
          .string()
          .nullish()
          .transform((v, ctx) => {
            if (v == null || v.trim() === "") return null;
            const e164 = toE164(v);
            if (!e164) {
              ctx.addIssue({ code: "custom", message: "is not a valid Vietnamese phone number" });
              return z.NEVER;
            }
            return e164;
          }),
      })
      .nullish(),
    communeCode: z.string().trim().regex(/^\d{5}$/, "must be a 5-digit commune code").nullish(),
    channel: z.enum(["COUNTER", "ONLINE", "POSTAL"], { message: "must be COUNTER, ONLINE or POSTAL" }).nullish(),
    dueAt: appointment.nullish(),
    newDueAt: appointment.nullish(),
    note: text(2000).nullish(),
  })
  .superRefine((event, ctx) => {
    if (!event.status && event.statusCode === undefined) ctx.addIssue({ code: "custom", path: ["status"], message: "is required (or statusCode 1–10)" });
    if (event.status && event.statusCode !== undefined && STATUS_BY_CODE[event.statusCode] !== event.status) {
      ctx.addIssue({ code: "custom", path: ["statusCode"], message: `${event.statusCode} does not match status ${event.status}` });
    }
  })
  .transform((event) => ({
    eventId: event.eventId,
    dossierCode: event.dossierCode,
    status: (event.status ?? STATUS_BY_CODE[event.statusCode!]) as DossierStatus,
    occurredAt: new Date(event.occurredAt),
    procedureCode: event.procedure?.code || null,
    procedureName: event.procedure?.name || null,
    applicantName: event.applicant?.fullName || null,
    phone: event.applicant?.phone ?? null,
    communeCode: event.communeCode ?? null,
    channel: event.channel ?? null,
    dueAt: event.dueAt ? new Date(event.dueAt) : null,
    newDueAt: event.newDueAt ? new Date(event.newDueAt) : null,
    note: event.note || null,
  }));

export type DossierEventInput = z.output<typeof dossierEventSchema>;

export const MAX_BATCH = 1000;

export const dossierEventBatchSchema = z.object({
  events: z.array(z.unknown(), { message: "must be an array of events" }).min(1, "must hold at least one event").max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`),
});
