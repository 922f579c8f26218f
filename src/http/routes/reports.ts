/**
 * The monthly report: the API (figures as JSON, CSV or XLSX; the staff-written sections; submit)
 * and the console page /staff/reports (figures as tables and bar charts, the four sections, save,
 * submit, downloads). Guarded by `reports:read` / `reports:write`; a unit outside the principal's
 * is "not found" (the service's resolveUnit).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { unitScope, type Principal } from "../../auth/guard.js";
import { AppError } from "../../errors.js";
import { monthOf, monthLabel, reportParamsSchema, reportQuerySchema, sectionsSchema, SECTION_KEYS, type MonthlyReportService, type MonthlyReportView } from "../../reports/monthly-report.js";
import { reportCsv, reportFileName, reportLines, reportXlsx } from "../../reports/report-export.js";
import { NOTICE_CHANNEL_LABELS, REPORT_TEXT } from "../../text/staff-vi.js";
import { sendConsolePage } from "../../web/console.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";
import { errorResponse, guardResponses, jsonBody, jsonResponse, pathParameter, queryParameters, staffSecurity, type PathItems } from "../openapi/zod-paths.js";

const contentDisposition = (name: string) => `attachment; filename="${name}"`;

async function sendReport(reply: FastifyReply, report: MonthlyReportView, format: "json" | "csv" | "xlsx") {
  reply.header("cache-control", "no-store");
  if (format === "csv") {
    return reply.type("text/csv; charset=utf-8").header("content-disposition", contentDisposition(reportFileName(report, "csv"))).send(reportCsv(report));
  }
  if (format === "xlsx") {
    const body = await reportXlsx(report);
    return reply.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").header("content-disposition", contentDisposition(reportFileName(report, "xlsx"))).send(body);
  }
  return report;
}

/** The unit a principal's report page opens on: their own (a commune, or their province's roll-up). */
async function defaultUnit(principal: Principal, reports: MonthlyReportService): Promise<string | null> {
  const scope = unitScope(principal);
  if (scope) return scope;
  return reports.firstProvince();
}

export function registerReportRoutes(app: FastifyInstance, deps: { reports: MonthlyReportService }): void {
  const { reports } = deps;

  app.get("/api/v1/reports/monthly", async (request, reply) => {
    const principal = requirePrincipal(request);
    const q = parseOrThrow(reportQuerySchema(), request.query ?? {}, "query");
    return sendReport(reply, await reports.report(principal, q.unit, q.month), q.format);
  });

  app.put("/api/v1/reports/monthly/:unit/:month", async (request) => {
    const principal = requirePrincipal(request);
    const p = parseOrThrow(reportParamsSchema(), request.params, "params");
    const body = parseOrThrow(sectionsSchema, request.body ?? {}, "body");
    return reports.saveSections(principal, p.unit, p.month, body);
  });

  app.post("/api/v1/reports/monthly/:unit/:month/submit", async (request, reply) => {
    const principal = requirePrincipal(request);
    const p = parseOrThrow(reportParamsSchema(), request.params, "params");
    const { report, alreadySubmitted } = await reports.submit(principal, p.unit, p.month);
    return reply.code(alreadySubmitted ? 200 : 201).send({ ...report, alreadySubmitted });
  });

  // ───────────── The console page ─────────────

  const pageQuery = z.object({ unit: z.string().max(10).optional(), month: z.string().max(10).optional(), msg: z.string().max(20).optional() });
  const FLASH: Record<string, { kind: "ok" | "bad"; text: string }> = {
    saved: { kind: "ok", text: "Đã lưu các mục nhận xét." },
    submitted: { kind: "ok", text: "Đã nộp báo cáo. Số liệu đã được chốt." },
    already: { kind: "ok", text: "Báo cáo này đã được nộp trước đó; không có gì thay đổi." },
  };

  async function page(request: FastifyRequest, reply: FastifyReply, o: { unit?: string; month?: string; msg?: string; errors?: { field: string | null; message: string }[]; draft?: Record<string, string> }, status = 200) {
    const principal = requirePrincipal(request);
    const now = new Date();
    const month = o.month ?? monthOf(now);
    const unit = o.unit ?? (await defaultUnit(principal, reports));
    const monthCheck = reportParamsSchema().safeParse({ unit: unit ?? "", month });
    if (!unit || !monthCheck.success) {
      const message = monthCheck.success ? "Chưa chọn đơn vị." : `Tháng: ${monthCheck.error.issues[0]!.message}`;
      return sendConsolePage(request, reply, "staff/reports/index", { current: "reports", title: "Báo cáo tháng", report: null, units: await reports.unitsFor(principal), unit: unit ?? "", month, maxMonth: monthOf(now), errors: [{ field: "month", message }], flash: null }, 400);
    }
    const report = await reports.report(principal, unit, month, now);
    const lines = reportLines(report);
    const f = report.figures;
    const bars = (items: { label: string; value: number }[]) => {
      const max = Math.max(1, ...items.map((i) => i.value));
      return items.map((i) => ({ ...i, pct: Math.round((i.value / max) * 1000) / 10 }));
    };
    const charts = [
      { id: "chart-received", title: "Hồ sơ tiếp nhận theo hình thức", bars: bars((["COUNTER", "ONLINE", "POSTAL"] as const).map((k) => ({ label: REPORT_TEXT.received[k], value: f.received[k] }))) },
      { id: "chart-returned", title: "Kết quả trả trong tháng theo thời hạn", bars: bars([{ label: REPORT_TEXT.returned.early, value: f.returned.early }, { label: REPORT_TEXT.returned.onTime, value: f.returned.onTime }, { label: REPORT_TEXT.returned.late, value: f.returned.late }, { label: REPORT_TEXT.returned.noDueDate, value: f.returned.noDueDate }]) },
      { id: "chart-notices", title: "Tin nhắn theo kênh", bars: bars(f.notices.byChannel.map((c) => ({ label: NOTICE_CHANNEL_LABELS[c.channel], value: c.total }))) },
    ];
    const parts: { part: string; lines: typeof lines }[] = [];
    for (const l of lines) {
      const last = parts.at(-1);
      if (last && last.part === l.part) last.lines.push(l);
      else parts.push({ part: l.part, lines: [l] });
    }
    const qs = `unit=${encodeURIComponent(report.unit.code)}&month=${encodeURIComponent(report.month)}`;
    const units = await reports.unitsFor(principal);
    return sendConsolePage(
      request,
      reply,
      "staff/reports/index",
      {
        current: "reports",
        title: `Báo cáo ${monthLabel(report.month)}`,
        report,
        parts,
        charts,
        units,
        unitListed: units.some((u) => u.code === report.unit.code),
        unit: report.unit.code,
        month: report.month,
        maxMonth: monthOf(now),
        sectionLabels: REPORT_TEXT.sections,
        sectionKeys: SECTION_KEYS,
        draft: o.draft ?? report.sections,
        statusLabel: REPORT_TEXT.status[report.status],
        errors: o.errors ?? [],
        flash: o.msg ? (FLASH[o.msg] ?? null) : null,
        csvUrl: `/api/v1/reports/monthly?${qs}&format=csv`,
        xlsxUrl: `/api/v1/reports/monthly?${qs}&format=xlsx`,
        jsonUrl: `/api/v1/reports/monthly?${qs}&format=json`,
        channelLabels: NOTICE_CHANNEL_LABELS,
      },
      status,
    );
  }

  app.get("/staff/reports", async (request, reply) => {
    const q = pageQuery.parse(request.query ?? {});
    return page(request, reply, { unit: q.unit || undefined, month: q.month || undefined, msg: q.msg });
  });

  const sectionsForm = z.object({ results: z.string().default(""), strengths: z.string().default(""), limitations: z.string().default(""), proposals: z.string().default(""), _csrf: z.string().optional() });

  app.post("/staff/reports/:unit/:month", async (request, reply) => {
    const principal = requirePrincipal(request);
    const p = parseOrThrow(reportParamsSchema(), request.params, "params");
    const form = sectionsForm.parse(request.body ?? {});
    const sections = sectionsSchema.safeParse({ results: form.results, strengths: form.strengths, limitations: form.limitations, proposals: form.proposals });
    if (!sections.success) {
      return page(request, reply, { unit: p.unit, month: p.month, draft: form, errors: sections.error.issues.map((i) => ({ field: String(i.path[0] ?? null), message: i.message })) }, 400);
    }
    try {
      await reports.saveSections(principal, p.unit, p.month, sections.data);
    } catch (error) {
      if (error instanceof AppError && error.code === "CONFLICT") return page(request, reply, { unit: p.unit, month: p.month, errors: [{ field: null, message: error.message }] }, 409);
      throw error;
    }
    return reply.redirect(`/staff/reports?unit=${encodeURIComponent(p.unit)}&month=${encodeURIComponent(p.month)}&msg=saved`, 303);
  });

  app.post("/staff/reports/:unit/:month/submit", async (request, reply) => {
    const principal = requirePrincipal(request);
    const p = parseOrThrow(reportParamsSchema(), request.params, "params");
    try {
      const { alreadySubmitted } = await reports.submit(principal, p.unit, p.month);
      return reply.redirect(`/staff/reports?unit=${encodeURIComponent(p.unit)}&month=${encodeURIComponent(p.month)}&msg=${alreadySubmitted ? "already" : "submitted"}`, 303);
    } catch (error) {
      if (error instanceof AppError && error.code === "VALIDATION_FAILED") {
        const field = (error.details as { field?: string } | undefined)?.field ?? null;
        return page(request, reply, { unit: p.unit, month: p.month, errors: [{ field, message: error.message }] }, 400);
      }
      throw error;
    }
  });
}

const monthlyQuery = reportQuerySchema();
const params = [pathParameter("unit", "29955"), pathParameter("month", "2026-11")];

export const reportPaths: PathItems = {
  "/api/v1/reports/monthly": {
    get: {
      summary: "The monthly report of a commune, or of a province (the roll-up of its communes), as JSON, CSV or XLSX (commune staff of the unit)",
      security: staffSecurity,
      parameters: queryParameters(monthlyQuery),
      responses: {
        "200": {
          description: "The report: figures (received by channel, returned and how timely, apologies, hand-overs, notices by channel and outcome with their estimated cost, bookings, announcements), the communes' lines, the sections, status (DRAFT/SUBMITTED, who and when). CSV (UTF-8 with BOM) or XLSX with format=csv|xlsx.",
          content: {
            "application/json": { schema: { type: "object" } },
            "text/csv": { schema: { type: "string" } },
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: { type: "string", format: "binary" } },
          },
        },
        "400": errorResponse("The unit code, month (YYYY-MM, not after the current month) or format is not valid (it is named)."),
        "404": errorResponse("No such unit in the principal's scope."),
        ...guardResponses,
      },
    },
  },
  "/api/v1/reports/monthly/{unit}/{month}": {
    put: {
      summary: "Save the staff-written sections of a draft report (results, strengths, limitations, proposals); sections left out keep what they had",
      security: staffSecurity,
      parameters: params,
      requestBody: jsonBody(sectionsSchema),
      responses: {
        "200": jsonResponse("The report with its sections saved"),
        "400": errorResponse("A section is not text or too long (it is named)."),
        "404": errorResponse("No such unit in the principal's scope."),
        "409": errorResponse("The report is submitted: it can no longer be edited."),
        ...guardResponses,
      },
    },
  },
  "/api/v1/reports/monthly/{unit}/{month}/submit": {
    post: {
      summary: "Submit the report: its figures are frozen, who and when recorded. Submitting again changes nothing.",
      security: staffSecurity,
      parameters: params,
      responses: {
        "201": jsonResponse("Submitted now (alreadySubmitted: false)"),
        "200": jsonResponse("It was submitted before; nothing changed (alreadySubmitted: true)"),
        "400": errorResponse("A section is still empty (it is named)."),
        "404": errorResponse("No such unit in the principal's scope."),
        ...guardResponses,
      },
    },
  },
};
