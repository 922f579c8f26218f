/**
 * The console's dossier pages: the unit's dossiers with filters, and one dossier's history (its
 * status events and every notice with its channels and what became of it). Guarded like the API
 * (`dossiers:read`), through the same service.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { dossierListQuery, type DossierHistoryService } from "../../dossiers/history-service.js";
import { AppError } from "../../errors.js";
import { STATUS_LABELS } from "../../notifications/messages/vi.js";
import { sendConsolePage } from "../../web/console.js";
import { requirePrincipal } from "../auth.js";
import { dossierFlash, dossierFormVars } from "./dossier-forms.js";
import { ownWordsInVietnamese } from "../errors.js";

/** The filter form as submitted: empty fields mean "any". */
function formQuery(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) if (typeof v === "string" && v.trim() !== "") out[k] = v.trim();
  return out;
}

const PAGE = 50;

/** The tag's look for each lateness state (src/calendar/lateness.ts). */
const LATENESS_CLASS: Record<string, string> = { EARLY: "ok", ON_TIME: "ok", LATE: "bad", OVERDUE: "bad", DUE_SOON: "warn", PENDING: "", CLOSED: "", NO_DUE_DATE: "" };

/** The filter form's labels (web/views/staff/dossiers/index.njk), to name a bad filter in an error. */
const FILTER_LABELS: Record<string, string> = {
  q: "Mã hồ sơ hoặc tên người nộp",
  status: "Trạng thái",
  overdue: "Quá hạn",
  dueBefore: "Hạn trả trước ngày",
  dueAfter: "Hạn trả sau ngày",
  receivedFrom: "Nhận từ ngày",
  receivedTo: "Nhận trước ngày",
  channel: "Nộp qua",
  returnedByPost: "Trả kết quả qua bưu điện",
  procedureCode: "Mã thủ tục",
  communeCode: "Mã xã/phường",
  offset: "Trang",
};

export function registerStaffDossierPages(app: FastifyInstance, deps: { history: DossierHistoryService }): void {
  app.get("/staff/dossiers", async (request, reply) => {
    const principal = requirePrincipal(request);
    const values = formQuery(request.query);
    const parsed = dossierListQuery.safeParse({ ...values, limit: String(PAGE) }, { error: ownWordsInVietnamese });
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => {
        // a parameter the form does not have (path []) is the filter as a whole, not the first field
        const field = i.path.length === 0 ? null : String(i.path[0]);
        return { field: field ?? "q", message: `${(field && FILTER_LABELS[field]) ?? "Bộ lọc"}: ${i.message}` };
      });
      return sendConsolePage(request, reply, "staff/dossiers/index", { current: "dossiers", title: "Hồ sơ", values, errors, result: null, statuses: STATUS_LABELS, latenessClass: LATENESS_CLASS }, 400);
    }
    const result = await deps.history.list(principal, parsed.data);
    const more = new URLSearchParams({ ...values, offset: String(parsed.data.offset + PAGE) }).toString();
    return sendConsolePage(request, reply, "staff/dossiers/index", {
      current: "dossiers",
      title: "Hồ sơ",
      values,
      errors: [],
      result,
      next: parsed.data.offset + PAGE < result.total ? `/staff/dossiers?${more}` : null,
      statuses: STATUS_LABELS,
      latenessClass: LATENESS_CLASS,
    });
  });

  app.get("/staff/dossiers/:code", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { code } = z.object({ code: z.string().max(60) }).parse(request.params);
    if (!/^[A-Z0-9.\-]{6,60}$/i.test(code)) throw new AppError("NOT_FOUND", `Không có hồ sơ ${code} trong đơn vị của bạn.`);
    const dossier = await deps.history.get(code, principal);
    return sendConsolePage(request, reply, "staff/dossiers/show", {
      current: "dossiers",
      title: `Hồ sơ ${dossier.code}`,
      d: dossier,
      statuses: STATUS_LABELS,
      latenessClass: LATENESS_CLASS,
      forms: dossierFormVars(principal, dossier),
      flash: dossierFlash(request.query),
    });
  });
}
