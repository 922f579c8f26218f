/**
 * Forms 04 and 05 of a dossier, over the API and in the console: the apology and new appointment
 * (`POST …/apology`, its print view and PDF) and the hand-overs of the process control form
 * (`POST …/handovers`, its print view and PDF). Guarded by the guard's ROUTES (apology:write,
 * handovers:write, dossiers:read, handovers:read); a dossier outside the principal's unit is a 404.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can, type Principal } from "../../auth/guard.js";
import { apologyInput, type ApologyService } from "../../dossiers/apology-service.js";
import { DOSSIER_CODE, dossierEventSchema, STAFF_EVENT_STATUSES } from "../../dossiers/event-schema.js";
import type { DossierIngestService } from "../../dossiers/ingest-service.js";
import { renderApologyPdf, renderForm05Pdf, longDateVi, handoverTimeVi, type FormDossier } from "../../dossiers/forms-pdf.js";
import { handoverInput, type HandoverService } from "../../dossiers/handover-service.js";
import { RESULT_OR_ENDED, type DossierHistoryService } from "../../dossiers/history-service.js";
import { AppError, NotFoundError } from "../../errors.js";
import { STATUS_LABELS } from "../../notifications/messages/vi.js";
import { formatDateTimeVi } from "../../text/dates.js";
import { FORMS_TEXT, HANDOVER_PARTIES, HANDOVER_RESULT_LABELS, withoutEnglishGloss } from "../../text/staff-vi.js";
import { sendConsolePage } from "../../web/console.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";
import { errorResponse, guardResponses, jsonBody, jsonResponse, pathParameter, staffSecurity, type PathItems } from "../openapi/zod-paths.js";
import { CONTROL, INVISIBLE } from "../../text/characters.js";

const params = z.object({
  code: z
    .string()
    .max(60)
    .transform((c) => c.trim().toUpperCase())
    .pipe(z.string().regex(DOSSIER_CODE, "mã hồ sơ có dạng <mã cơ quan>-<YYMMDD>-<số>, ví dụ H15.50.05.13-261008-0975")),
});

/** The dossier code of a console URL; a malformed one is simply not found. */
function pageCode(request: FastifyRequest): string {
  const parsed = params.safeParse(request.params);
  if (!parsed.success) throw new NotFoundError("Không có hồ sơ này trong đơn vị của bạn.");
  return parsed.data.code;
}

type DossierView = Awaited<ReturnType<DossierHistoryService["get"]>>;

/** Vietnam's local time as a datetime-local input shows it ("2026-12-01T09:15"). */
function localInput(date: Date): string {
  return new Date(date.getTime() + 7 * 3600_000).toISOString().slice(0, 16);
}

/**
 * What the dossier page needs for the two forms: whether the principal may use each, why an
 * apology cannot be issued (once only, closed, no due date), the values to show, and a fresh
 * idempotency key so a double-clicked hand-over is recorded once.
 */
/** The statuses commune staff record from the dossier page: those the ingest takes from staff. */
export const STAFF_STATUSES = STAFF_EVENT_STATUSES;
const ENDED_STATUSES: readonly string[] = ["RETURNED", "DELIVERED", "REFUSED", "WITHDRAWN", "STOPPED"];

export function dossierFormVars(principal: Principal, d: DossierView, values: Record<string, string> = {}) {
  const apologyBlocked = d.apology || d.newDueAt ? FORMS_TEXT.apologyOnce : RESULT_OR_ENDED.includes(d.status) ? FORMS_TEXT.apologyClosed : !d.dueAt ? FORMS_TEXT.apologyNoDueDate : null;
  const now = new Date();
  const desk = d.commune ? `${HANDOVER_PARTIES.desk} ${d.commune.name}` : HANDOVER_PARTIES.desk;
  return {
    canApologize: can(principal, "apology:write"),
    canHandover: can(principal, "handovers:write"),
    canForm05: can(principal, "handovers:read"),
    canRecordStatus: can(principal, "dossier-events:write") && !ENDED_STATUSES.includes(d.status),
    statusChoices: STAFF_STATUSES.filter((s) => s !== d.status).map((s) => ({ value: s, label: STATUS_LABELS[s] })),
    statusEventId: values.statusEventId || `console-${randomBytes(12).toString("base64url")}`,
    apologyBlocked,
    resultLabels: HANDOVER_RESULT_LABELS,
    formValues: {
      // The post office hands the dossier to the commune's desk; the desk's staff hand it on.
      fromUnit: principal.role === "POST_OFFICE_STAFF" ? HANDOVER_PARTIES.postOffice : desk,
      handedBy: principal.name,
      handedAt: localInput(now),
      toUnit: principal.role === "POST_OFFICE_STAFF" ? desk : "",
      receivedBy: "",
      stepDueAt: "",
      note: "",
      newDueAt: "",
      reason: "",
      status: "",
      statusNote: "",
      ...values,
    },
    idempotencyKey: values.idempotencyKey || randomBytes(12).toString("base64url"),
  };
}

const FLASH: Record<string, string> = { status: FORMS_TEXT.statusRecorded, "status-quiet": FORMS_TEXT.statusRecordedQuiet, "status-old": FORMS_TEXT.statusNotApplied, apology: FORMS_TEXT.apologyIssued, "apology-late": `${FORMS_TEXT.apologyIssued} ${FORMS_TEXT.apologyLate}`, handover: FORMS_TEXT.handoverRecorded };

/** The console's forms as posted: strings, empty meaning "not given". */
const formBody = z.record(z.string(), z.unknown()).transform((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => typeof v === "string")) as Record<string, string>);

/** The form fields' names, and what each asks for (said when the edge's message is the API's English one). */
const FIELDS: Record<string, { label: string; hint: string }> = {
  newDueAt: { label: "Ngày hẹn mới", hint: "chọn một ngày sau ngày hẹn hiện tại, trong vòng 5 năm tới" },
  reason: { label: "Lý do", hint: "bắt buộc, tối đa 1.000 ký tự" },
  fromUnit: { label: "Cơ quan giao", hint: "bắt buộc, tối đa 200 ký tự" },
  toUnit: { label: "Cơ quan nhận", hint: "bắt buộc, tối đa 200 ký tự" },
  handedBy: { label: "Người giao", hint: "bắt buộc, tối đa 200 ký tự" },
  receivedBy: { label: "Người nhận", hint: "bắt buộc, tối đa 200 ký tự" },
  handedAt: { label: "Thời điểm giao nhận", hint: "không ở tương lai, không trước thời điểm tiếp nhận hồ sơ (giờ Việt Nam)" },
  stepDueAt: { label: "Hạn của bước", hint: "một ngày trong vòng 5 năm tới, hoặc để trống" },
  note: { label: "Ghi chú", hint: "tối đa 1.000 ký tự" },
};

/** A refusal as the console shows it: per field, in Vietnamese (an English message from the shared date rules gives way to the field's hint). */
function fieldErrors(error: AppError): { field: string; message: string }[] {
  const details = (error.details ?? {}) as { field?: string; issues?: { field: string; message: string }[] };
  const issues = details.issues ?? [{ field: details.field ?? "", message: error.message.replace(/^[\w.]+: /, "") }];
  return issues.map((i) => {
    const f = FIELDS[i.field];
    if (!f) return i;
    // The API's "(English)" is for integrators: the page says the Vietnamese alone. A message in
    // the API's terms (English, or a date format "ISO 8601 … YYYY-MM-DD" for a field the page fills
    // with a date picker) gives way to the field's hint; one that names its field already is not
    // prefixed with the label again.
    const said = withoutEnglishGloss(i.message);
    const text = /^[\x20-\x7e]*$/.test(said) || said.includes("ISO 8601") ? f.hint : said;
    return { field: i.field, message: text.startsWith(f.label) ? text : `${f.label}: ${text}` };
  });
}

/** The status form as posted. */
const statusForm = z.object({
  status: z.enum(STAFF_STATUSES, { message: FORMS_TEXT.statusChoose }),
  statusNote: z.string().trim().max(1000, "Ghi chú: tối đa 1.000 ký tự").refine((v) => !CONTROL.test(v), "Ghi chú: có ký tự điều khiển không hợp lệ").refine((v) => !INVISIBLE.test(v), "Ghi chú: có ký tự ẩn (khoảng trắng không độ rộng, ký tự đảo chiều chữ); hãy gõ lại"),
  statusEventId: z.string().regex(/^console-[A-Za-z0-9_-]{16}$/, "Biểu mẫu đã cũ: vui lòng tải lại trang"),
});

export function registerDossierFormRoutes(app: FastifyInstance, deps: { history: DossierHistoryService; apologies: ApologyService; handovers: HandoverService; ingest: DossierIngestService; lookupLink?: (code: string) => string | null }): void {
  const { history, apologies, handovers } = deps;

  // ── API ──
  app.post("/api/v1/dossiers/:code/apology", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { code } = parseOrThrow(params, request.params, "code");
    const input = parseOrThrow(apologyInput, request.body ?? {}, "body");
    const apology = await apologies.issue(principal, code, input, { lookupLink: deps.lookupLink });
    return reply.code(201).send({ apology });
  });

  app.post("/api/v1/dossiers/:code/handovers", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { code } = parseOrThrow(params, request.params, "code");
    const input = parseOrThrow(handoverInput, request.body ?? {}, "body");
    const header = request.headers["idempotency-key"];
    const { handover, replayed } = await handovers.record(principal, code, input, typeof header === "string" ? header : null);
    return reply.code(replayed ? 200 : 201).send({ handover, replayed });
  });

  const pdf = (reply: FastifyReply, name: string, body: Buffer) =>
    reply.header("content-type", "application/pdf").header("content-disposition", `attachment; filename="${name}"`).header("cache-control", "private, no-store").send(body);

  app.get("/api/v1/dossiers/:code/apology.pdf", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { code } = parseOrThrow(params, request.params, "code");
    const d = await history.get(code, principal);
    if (!d.apology) throw new NotFoundError(`Hồ sơ ${d.code} chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả.`);
    return pdf(reply, `mau-04-${d.code}.pdf`, await renderApologyPdf(d as FormDossier));
  });

  app.get("/api/v1/dossiers/:code/form-05.pdf", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { code } = parseOrThrow(params, request.params, "code");
    const d = await history.get(code, principal);
    return pdf(reply, `mau-05-${d.code}.pdf`, await renderForm05Pdf(d as FormDossier));
  });

  // ── The console ──
  const showPage = async (request: FastifyRequest, reply: FastifyReply, code: string, extra: { values?: Record<string, string>; errors?: { field: string; message: string }[]; which?: "apology" | "handover" | "status" }, status: number) => {
    const principal = requirePrincipal(request);
    const d = await history.get(code, principal);
    return sendConsolePage(
      request,
      reply,
      "staff/dossiers/show",
      { current: "dossiers", title: `Hồ sơ ${d.code}`, d, statuses: STATUS_LABELS, forms: dossierFormVars(principal, d, extra.values), errors: extra.errors ?? [], errorsFor: extra.which ?? null },
      status,
    );
  };

  // A status recorded by the commune's staff: an event of the unit's own (origin "unit:<code>",
  // source STAFF) through the one ingest path, so the citizen is notified as for upstream's. The
  // form's event id makes a double click one event: the second finds the first stored.
  app.post("/staff/dossiers/:code/status", async (request, reply) => {
    const principal = requirePrincipal(request);
    const code = pageCode(request);
    const body = formBody.parse(request.body ?? {});
    const values = { status: body.status ?? "", statusNote: body.statusNote ?? "", statusEventId: body.statusEventId ?? "" };
    const parsed = statusForm.safeParse(values);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ field: `status-${String(i.path[0] ?? "status")}`, message: i.message }));
      return showPage(request, reply, code, { values, errors, which: "status" }, 400);
    }
    const d = await history.get(code, principal);
    const done = (applied: boolean, notices: number) => reply.redirect(`/staff/dossiers/${encodeURIComponent(d.code)}?done=${!applied ? "status-old" : notices > 0 ? "status" : "status-quiet"}#events-title`, 303);
    const event = dossierEventSchema.parse({ eventId: parsed.data.statusEventId, dossierCode: d.code, status: parsed.data.status, occurredAt: new Date().toISOString(), note: parsed.data.statusNote || null });
    const already = d.events.find((e) => e.eventId === parsed.data.statusEventId);
    // the same form sent again (a double click, a reload): the first post stored it; with another
    // status or note (Back, then another choice) it is not the same event, and nothing is stored
    if (already && already.status === event.status && (already.note ?? null) === (event.note ?? null)) return done(already.applied, 0);
    if (already) return showPage(request, reply, code, { values, errors: [{ field: "", message: FORMS_TEXT.statusFormUsed(STATUS_LABELS[already.status as keyof typeof STATUS_LABELS] ?? already.status) }], which: "status" }, 409);
    try {
      const result = await deps.ingest.ingest([event], { principal, lookupLink: deps.lookupLink });
      const one = result.results[0]!;
      return done(one.outcome === "duplicate" ? true : one.applied, one.notices);
    } catch (error) {
      // The same form posted twice at once: the other post stored it (same id, a moment apart).
      if (error instanceof AppError && error.code === "CONFLICT") {
        const again = await history.get(code, principal);
        const stored = again.events.find((e) => e.eventId === parsed.data.statusEventId);
        if (stored && stored.status === parsed.data.status) return done(stored.applied, 0);
      }
      if (error instanceof AppError && error.code !== "NOT_FOUND" && error.code !== "FORBIDDEN") {
        return showPage(request, reply, code, { values, errors: [{ field: "", message: error.message }], which: "status" }, error.code === "VALIDATION_FAILED" ? 400 : 409);
      }
      throw error;
    }
  });

  app.post("/staff/dossiers/:code/apology", async (request, reply) => {
    const principal = requirePrincipal(request);
    const code = pageCode(request);
    const body = formBody.parse(request.body ?? {});
    const values = { newDueAt: body.newDueAt ?? "", reason: body.reason ?? "" };
    try {
      const input = parseOrThrow(apologyInput, values, "body");
      const apology = await apologies.issue(principal, code, input, { lookupLink: deps.lookupLink });
      return reply.redirect(`/staff/dossiers/${encodeURIComponent(code)}?done=${apology.late ? "apology-late" : "apology"}#apology`, 303);
    } catch (error) {
      if (error instanceof AppError && error.code !== "NOT_FOUND" && error.code !== "FORBIDDEN") {
        return showPage(request, reply, code, { values, errors: fieldErrors(error).map((e) => ({ field: e.field ? `apology-${e.field}` : "", message: e.message })), which: "apology" }, error.code === "VALIDATION_FAILED" ? 400 : 409);
      }
      throw error;
    }
  });

  app.post("/staff/dossiers/:code/handovers", async (request, reply) => {
    const principal = requirePrincipal(request);
    const code = pageCode(request);
    const body = formBody.parse(request.body ?? {});
    const values: Record<string, string> = {};
    for (const k of ["fromUnit", "toUnit", "handedBy", "receivedBy", "handedAt", "stepDueAt", "note", "idempotencyKey"]) values[k] = body[k] ?? "";
    // Sent from form 05's page (the post office has no dossier page): back there.
    const toForm05 = body.back === "form-05";
    try {
      const { idempotencyKey: _key, ...fields } = values;
      const input = parseOrThrow(handoverInput, { ...fields, stepDueAt: fields.stepDueAt || null, note: fields.note || null }, "body");
      await handovers.record(principal, code, input, values.idempotencyKey || null);
      return reply.redirect(`/staff/dossiers/${encodeURIComponent(code)}${toForm05 ? "/form-05" : ""}?done=handover#handovers`, 303);
    } catch (error) {
      if (error instanceof AppError && error.code !== "NOT_FOUND" && error.code !== "FORBIDDEN") {
        const extra = { values, errors: fieldErrors(error).map((e) => ({ field: e.field ? `handover-${e.field}` : "", message: e.message })), which: "handover" as const };
        const status = error.code === "VALIDATION_FAILED" ? 400 : 409;
        return toForm05 ? form05Page(request, reply, code, extra, status) : showPage(request, reply, code, extra, status);
      }
      throw error;
    }
  });

  const printVars = (d: DossierView) => ({
    d,
    longDate: longDateVi,
    handoverTime: handoverTimeVi,
    dateTime: formatDateTimeVi,
    resultLabels: HANDOVER_RESULT_LABELS,
    texts: FORMS_TEXT,
  });

  app.get("/staff/dossiers/:code/apology", async (request, reply) => {
    const principal = requirePrincipal(request);
    const d = await history.get(pageCode(request), principal);
    if (!d.apology) throw new NotFoundError(`Hồ sơ ${d.code} chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả.`);
    return sendConsolePage(request, reply, "staff/dossiers/form-04", { current: "dossiers", title: `Mẫu 04 – ${d.code}`, ...printVars(d) });
  });

  async function form05Page(request: FastifyRequest, reply: FastifyReply, code: string, extra: { values?: Record<string, string>; errors?: { field: string; message: string }[]; which?: "handover" } = {}, status = 200) {
    const principal = requirePrincipal(request);
    const d = await history.get(code, principal);
    return sendConsolePage(
      request,
      reply,
      "staff/dossiers/form-05",
      { current: "dossiers", title: `Mẫu 05 – ${d.code}`, ...printVars(d), forms: dossierFormVars(principal, d, extra.values), flash: dossierFlash(request.query), errors: extra.errors ?? [], errorsFor: extra.which ?? null },
      status,
    );
  }

  app.get("/staff/dossiers/:code/form-05", async (request, reply) => form05Page(request, reply, pageCode(request)));
}

/** The flash message for `?done=` after a form on the dossier page. */
export function dossierFlash(query: unknown): string | null {
  const done = (query as Record<string, unknown> | undefined)?.done;
  return typeof done === "string" ? (FLASH[done] ?? null) : null;
}

const codeParam = pathParameter("code", "H15.50.05.13-261124-0001");

export const dossierFormPaths: PathItems = {
  "/api/v1/dossiers/{code}/apology": {
    post: {
      summary: "Issue the apology and new appointment (form 04): the citizen gets the DELAYED notice; a date is moved once only (commune staff of the dossier's unit)",
      security: staffSecurity,
      parameters: [codeParam],
      requestBody: jsonBody(apologyInput),
      responses: {
        "201": jsonResponse("The apology: reason, previousDueAt, newDueAt, issuedAt, late (issued on or after the due date), issuedByName, notices"),
        "400": errorResponse("newDueAt or reason is not valid (named): the new date must be after the current due date and in the future"),
        "404": errorResponse("No such dossier in the principal's unit."),
        "409": errorResponse("DUE_DATE_ALREADY_MOVED: the date was moved already (an apology, or upstream's new date) — it is moved once only; DOSSIER_CLOSED: the dossier has its result or ended; CONFLICT: it has no due date"),
        ...guardResponses,
      },
    },
  },
  "/api/v1/dossiers/{code}/handovers": {
    post: {
      summary: "Record a hand-over (a line of form 05): early / on time / late against stepDueAt or the dossier's due date (commune and post office staff of the unit)",
      security: staffSecurity,
      parameters: [codeParam, { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 200 }, description: "A retry with the same key answers the hand-over recorded the first time (200, replayed: true); the same key with other content is a 409." }],
      requestBody: jsonBody(handoverInput),
      responses: {
        "201": jsonResponse("The hand-over recorded, with its result (EARLY, ON_TIME, LATE) and label"),
        "200": jsonResponse("The hand-over recorded the first time with this Idempotency-Key"),
        "400": errorResponse("A field is not valid (named): handedAt in the future or before the dossier's receipt"),
        "404": errorResponse("No such dossier in the principal's unit."),
        "409": errorResponse("The Idempotency-Key was used for another hand-over."),
        ...guardResponses,
      },
    },
  },
  "/api/v1/dossiers/{code}/apology.pdf": {
    get: {
      summary: "Form 04 (Phiếu xin lỗi và hẹn lại ngày trả kết quả) as PDF",
      security: staffSecurity,
      parameters: [codeParam],
      responses: { "200": { description: "The PDF", content: { "application/pdf": { schema: { type: "string", format: "binary" } } } }, "404": errorResponse("No such dossier in the unit, or no apology issued."), ...guardResponses },
    },
  },
  "/api/v1/dossiers/{code}/form-05.pdf": {
    get: {
      summary: "Form 05 (Phiếu kiểm soát quá trình giải quyết hồ sơ) as PDF, one row per hand-over",
      security: staffSecurity,
      parameters: [codeParam],
      responses: { "200": { description: "The PDF", content: { "application/pdf": { schema: { type: "string", format: "binary" } } } }, "404": errorResponse("No such dossier in the principal's unit."), ...guardResponses },
    },
  },
};
