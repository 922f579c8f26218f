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
 * included). The usual spellings are checked at once (`vietnameseSubscriber`); the parse's answers
 * for the others are remembered for the last 10,000 spellings: a dossier's events repeat its
 * applicant's phone, and the full metadata's parse is the costliest check of an event.
 */
export function toE164(raw: string): string | null {
  const compact = raw.replace(/[\s.()-]/g, "");
  const usual = vietnameseSubscriber(compact);
  if (usual !== null) return usual;
  const known = e164Cache.get(compact);
  if (known !== undefined) return known === "" ? null : known;
  const parsed = parsePhoneNumberFromString(compact, "VN");
  const e164 = parsed?.isValid() && parsed.country === "VN" ? parsed.number : null;
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
/** `z.iso.datetime({ offset: true })`'s own pattern (the whole of that check), built once and tested directly. */
const ISO_DATE_TIME = z.regexes.datetime({ offset: true, local: false, precision: null });

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
interface DateTimeRule {
  dateOnlyAt?: string;
  latest: () => Date;
  tooLate: string;
}
/** A date-time as the rule reads it: its time (ms since the epoch), or the reason it is refused. */
function readDateTime(value: string, options: DateTimeRule): { ms: number } | { message: string } {
  const v = value.trim();
  let text = v;
  // With seconds (the ISO check wants them), so that the calendar is checked for every form:
  // JavaScript's Date rolls 31 February over to 3 March and 24:00 to the next day.
  if (LOCAL_DATE_TIME.test(v)) text = `${v.length === 16 ? `${v}:00` : v}+07:00`;
  else if (options.dateOnlyAt && DATE_ONLY.test(v)) text = `${v}T${options.dateOnlyAt}+07:00`;
  if (!ISO_DATE_TIME.test(text)) return { message: DATE_TIME_MESSAGE };
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return { message: DATE_TIME_MESSAGE };
  if (ms < EARLIEST_MS) return { message: "must not be before the year 2000" };
  if (ms > options.latest().getTime()) return { message: options.tooLate };
  return { ms };
}
const EARLIEST_MS = EARLIEST_DATE.getTime();
const dateTime = (options: DateTimeRule, say: (message: string) => string = (m) => m) =>
  z.string({ message: say(DATE_TIME_MESSAGE) }).transform((value, ctx) => {
    const read = readDateTime(value, options);
    if ("ms" in read) return new Date(read.ms).toISOString();
    ctx.addIssue({ code: "custom", message: say(read.message) });
    return z.NEVER;
  });
const EVENT_TIME: DateTimeRule = { latest: () => new Date(Date.now() + MAX_CLOCK_SKEW_MS), tooLate: "must not be in the future (more than 5 minutes ahead of now)" };
const APPOINTMENT: DateTimeRule = {
  dateOnlyAt: "17:00:00",
  latest: () => {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() + MAX_APPOINTMENT_YEARS);
    return d;
  },
  tooLate: `must be within ${MAX_APPOINTMENT_YEARS} years from now`,
};
export const isoDateTime = dateTime(EVENT_TIME);
export const appointment = dateTime(APPOINTMENT);

/**
 * The same rules for the staff's own forms (the apology's new date, a hand-over's times), said in
 * Vietnamese with the English in brackets as every refusal of the API but the ingest's.
 */
const STAFF_WORDS: Record<string, string> = {
  [DATE_TIME_MESSAGE]: "thời điểm dạng ISO 8601 (ví dụ 2026-11-20T09:15:00+07:00) hoặc một ngày có thật dạng YYYY-MM-DD",
  "must not be before the year 2000": "không được trước năm 2000",
  [EVENT_TIME.tooLate]: "không được ở tương lai (quá 5 phút so với bây giờ)",
  [APPOINTMENT.tooLate]: `phải trong vòng ${MAX_APPOINTMENT_YEARS} năm tới`,
};
const inVietnamese = (message: string): string => (STAFF_WORDS[message] ? `${STAFF_WORDS[message]} (${message})` : message);
export const staffDateTime = dateTime(EVENT_TIME, inVietnamese);
export const staffAppointment = dateTime(APPOINTMENT, inVietnamese);
const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
/**
 * Text kept in NFC (Vietnamese typed on macOS and some keyboards arrives decomposed): a name is
 * then found by the staff's search as typed, and an event resent composed is the same event.
 */
export const nfc = <T extends string | null | undefined>(v: T): T => (v ? (v.normalize("NFC") as T) : v);

/**
 * The statuses commune staff record themselves (the dossier page's form, and their events through
 * the API). Not DELAYED (the apology sets it, with its letter and once only), nor the post office's
 * own (its desk's moves set them), nor REGISTERED (online only).
 */
export const STAFF_EVENT_STATUSES = ["RECEIVED", "PROCESSING", "SUPPLEMENT_REQUIRED", "PAYMENT_REQUIRED", "RESULT_READY", "RESULT_HANDED_TO_POST", "RETURNED", "REFUSED", "STOPPED", "WITHDRAWN"] as const;

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
    procedureName: nfc(event.procedure?.name) || null,
    applicantName: nfc(event.applicant?.fullName) || null,
    phone: event.applicant?.phone ?? null,
    communeCode: event.communeCode ?? null,
    channel: event.channel ?? null,
    dueAt: event.dueAt ? new Date(event.dueAt) : null,
    newDueAt: event.newDueAt ? new Date(event.newDueAt) : null,
    note: nfc(event.note) || null,
  }));

export type DossierEventInput = z.output<typeof dossierEventSchema>;

/**
 * `dossierEventSchema`'s answer for an event it accepts, reached without zod's machinery (which
 * cost more per event than everything else the API does with it but the phone check), or
 * undefined: then the caller asks the schema, for the event and for its errors. Whatever this
 * answers is what the schema answers for the same value (test/unit/event-schema-fast.test.ts
 * compares the two over many spellings); anything it is unsure of — a wrong type, a value out of
 * bounds, a date or phone the rules refuse — is left to the schema.
 */
export function acceptedEvent(raw: unknown): DossierEventInput | undefined {
  if (!isRecord(raw)) return undefined;
  const eventId = requiredText(raw.eventId, 128);
  if (eventId === undefined || eventId.length === 0 || typeof raw.dossierCode !== "string") return undefined;
  const dossierCode = normalizeDossierCode(raw.dossierCode);
  if (!DOSSIER_CODE.test(dossierCode)) return undefined;
  const named = raw.status;
  if (named !== undefined && (typeof named !== "string" || !STATUSES.has(named))) return undefined;
  let code: number | undefined;
  const rawCode = raw.statusCode;
  if (rawCode !== undefined) {
    if (typeof rawCode === "number" && Number.isInteger(rawCode) && rawCode >= 1 && rawCode <= 10) code = rawCode;
    else if (typeof rawCode === "string" && /^(?:[1-9]|10)$/.test(rawCode)) code = Number(rawCode);
    else return undefined;
  }
  if (named === undefined && code === undefined) return undefined;
  if (named !== undefined && code !== undefined && STATUS_BY_CODE[code] !== named) return undefined;
  if (typeof raw.occurredAt !== "string") return undefined;
  const occurredAt = readDateTime(raw.occurredAt, EVENT_TIME);
  if (!("ms" in occurredAt)) return undefined;
  const procedure = raw.procedure;
  if (procedure != null && !isRecord(procedure)) return undefined;
  const procedureCode = optionalText(procedure?.code, 32);
  const procedureName = optionalText(procedure?.name, 500);
  const applicant = raw.applicant;
  if (applicant != null && !isRecord(applicant)) return undefined;
  const applicantName = optionalText(applicant?.fullName, 200);
  if (procedureCode === FAIL || procedureName === FAIL || applicantName === FAIL) return undefined;
  const rawPhone = applicant?.phone;
  let phone: string | null = null;
  if (rawPhone != null) {
    if (typeof rawPhone !== "string") return undefined;
    if (rawPhone.trim() !== "") {
      phone = toE164(rawPhone);
      if (phone === null) return undefined;
    }
  }
  let communeCode: string | null = null;
  if (raw.communeCode != null) {
    if (typeof raw.communeCode !== "string") return undefined;
    communeCode = raw.communeCode.trim();
    if (!COMMUNE_CODE.test(communeCode)) return undefined;
  }
  const channel = raw.channel;
  if (channel != null && channel !== "COUNTER" && channel !== "ONLINE" && channel !== "POSTAL") return undefined;
  const dueAt = optionalAppointment(raw.dueAt);
  const newDueAt = optionalAppointment(raw.newDueAt);
  const note = optionalText(raw.note, 2000);
  if (dueAt === FAIL || newDueAt === FAIL || note === FAIL) return undefined;
  return {
    eventId,
    dossierCode,
    status: (named ?? STATUS_BY_CODE[code!]) as DossierStatus,
    occurredAt: new Date(occurredAt.ms),
    procedureCode: procedureCode || null,
    procedureName: nfc(procedureName) || null,
    applicantName: nfc(applicantName) || null,
    phone,
    communeCode,
    channel: channel ?? null,
    dueAt,
    newDueAt,
    note: nfc(note) || null,
  };
}
const FAIL = Symbol("refused");
const STATUSES = new Set<string>(Object.values(DossierStatus));
const COMMUNE_CODE = /^\d{5}$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** `text(max)` of a required field: the trimmed text, or undefined. */
const requiredText = (v: unknown, max: number): string | undefined => {
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t.length <= max ? t : undefined;
};
/** `text(max).nullish()`: the trimmed text, null when absent, FAIL otherwise. */
const optionalText = (v: unknown, max: number): string | null | typeof FAIL => (v == null ? null : (requiredText(v, max) ?? FAIL));
/** `appointment.nullish()`, as the event's transform gives it: a Date, null when absent, FAIL otherwise. */
const optionalAppointment = (v: unknown): Date | null | typeof FAIL => {
  if (v == null) return null;
  if (typeof v !== "string") return FAIL;
  const read = readDateTime(v, APPOINTMENT);
  return "ms" in read ? new Date(read.ms) : FAIL;
};

export const MAX_BATCH = 1000;

export const dossierEventBatchSchema = z.object({
  events: z.array(z.unknown(), { message: "must be an array of events" }).min(1, "must hold at least one event").max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`),
});
