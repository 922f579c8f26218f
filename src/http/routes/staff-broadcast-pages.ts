/**
 * The console's announcement pages (server-rendered, plain forms; the progress refreshes itself
 * when JavaScript runs): list, compose, preview, send / approve / cancel, progress, and the
 * printable list of subscribers no channel reached. Every page is a guarded route (ROUTES in
 * src/auth/guard.ts) and works through the same BroadcastService as the API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { unitScope, type Principal } from "../../auth/guard.js";
import type { BroadcastService } from "../../broadcasts/broadcast-service.js";
import type { Db } from "../../db/client.js";
import { AppError } from "../../errors.js";
import { BROADCAST_STATUS_LABELS } from "../../text/staff-vi.js";
import { sendConsolePage } from "../../web/console.js";
import { requirePrincipal } from "../auth.js";

const idParams = z.object({ id: z.string() });

/** Who asks (the guard's principal); the console's shared header gets the rest from sendConsolePage. */
function pageContext(request: FastifyRequest) {
  return { principal: requirePrincipal(request), current: "broadcasts" };
}

const FLASH: Record<string, string> = {
  sending: "Đã bắt đầu gửi thông báo.",
  scheduled: "Đã hẹn giờ gửi thông báo.",
  awaiting: "Thông báo khẩn đã được gửi để phê duyệt: cần một cán bộ khác của đơn vị phê duyệt trước khi gửi.",
  approved: "Đã phê duyệt; thông báo được gửi theo lịch.",
  cancelled: "Đã hủy thông báo. Không tin nào được gửi thêm.",
};

/** The compose form as posted (all strings; checkboxes may repeat). */
const composeForm = z.object({
  communeCode: z.string().default(""),
  title: z.string().default(""),
  body: z.string().default(""),
  target: z.enum(["all", "hamlets"]).default("all"),
  hamletIds: z.union([z.string(), z.array(z.string())]).optional(),
  urgent: z.enum(["0", "1"]).default("0"),
  when: z.enum(["now", "later"]).default("now"),
  scheduledAt: z.string().default(""),
});

/** "2026-12-05T07:30" typed in Vietnam's time → an ISO instant (+07:00); null when empty. */
export function fromLocalInput(value: string): string | null | "invalid" {
  const v = value.trim();
  if (!v) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v);
  if (!m) return "invalid";
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00+07:00`;
}

export function registerStaffBroadcastPages(app: FastifyInstance, deps: { broadcasts: BroadcastService; db: Db }): void {
  const { broadcasts, db } = deps;

  /** The communes a principal may write for: its own, or its province's. */
  async function communesOf(principal: Principal): Promise<{ code: string; fullName: string }[]> {
    const scope = unitScope(principal);
    return db.adminUnit.findMany({
      where: { level: "COMMUNE", ...(scope ? { OR: [{ code: scope }, { parentCode: scope }] } : {}) },
      select: { code: true, fullName: true },
      orderBy: { name: "asc" },
      take: scope ? 500 : 50,
    });
  }

  async function composePage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: { field: string; message: string }[] = [],
    status = 200,
    editing: { id: string } | null = null,
  ) {
    const ctx = pageContext(request);
    const communes = await communesOf(ctx.principal);
    const communeCode = String(values.communeCode || (communes.length === 1 ? communes[0]!.code : ""));
    const commune = communes.find((c) => c.code === communeCode) ?? null;
    const hamlets = commune
      ? await db.hamlet.findMany({ where: { communeCode: commune.code }, select: { id: true, name: true, _count: { select: { subscriptions: { where: { cancelledAt: null } } } } }, orderBy: { name: "asc" } })
      : [];
    const chosen = new Set(([] as string[]).concat((values.hamletIds as string | string[] | undefined) ?? []));
    return sendConsolePage(
      request,
      reply,
      "staff/broadcasts/new",
      {
        ...ctx,
        title: editing ? "Sửa thông báo" : "Soạn thông báo",
        editing,
        action: editing ? `/staff/broadcasts/${editing.id}/edit` : "/staff/broadcasts",
        communes,
        commune,
        hamlets: hamlets.map((h) => ({ id: h.id, name: h.name, subscribers: h._count.subscriptions, checked: chosen.has(h.id) })),
        values: { target: "all", urgent: "0", when: "now", ...values, communeCode },
        errors,
        errorFor: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      },
      status,
    );
  }

  app.get("/staff/broadcasts", async (request, reply) => {
    const ctx = pageContext(request);
    const list = await broadcasts.list(ctx.principal, { limit: 100 });
    return sendConsolePage(request, reply, "staff/broadcasts/index", { ...ctx, title: "Thông báo", broadcasts: list, labels: BROADCAST_STATUS_LABELS });
  });

  app.get("/staff/broadcasts/new", async (request, reply) => {
    const q = z.object({ communeCode: z.string().regex(/^\d{5}$/).optional() }).safeParse(request.query);
    return composePage(request, reply, { communeCode: q.success ? (q.data.communeCode ?? "") : "" });
  });

  /** Reads the compose form, then creates (or, editing, changes) the draft; the form again with its errors otherwise. */
  async function saveDraft(request: FastifyRequest, reply: FastifyReply, editing: { id: string } | null) {
    const ctx = pageContext(request);
    const form = composeForm.safeParse(request.body ?? {});
    if (!form.success) return composePage(request, reply, {}, [{ field: "title", message: "Biểu mẫu không hợp lệ; vui lòng nhập lại." }], 400, editing);
    const f = form.data;
    const hamletIds = f.target === "hamlets" ? ([] as string[]).concat(f.hamletIds ?? []) : [];
    const errors: { field: string; message: string }[] = [];
    if (f.target === "hamlets" && hamletIds.length === 0) errors.push({ field: "hamletIds", message: "Chọn ít nhất một ấp/khóm, hoặc gửi cả xã/phường." });
    const scheduledAt = f.when === "later" ? fromLocalInput(f.scheduledAt) : null;
    if (f.when === "later" && (scheduledAt === null || scheduledAt === "invalid")) errors.push({ field: "scheduledAt", message: "Nhập ngày giờ gửi (giờ Việt Nam), ví dụ 05/12/2026 07:30." });
    if (errors.length) return composePage(request, reply, f, errors, 400, editing);
    const fields = { title: f.title, body: f.body, urgent: f.urgent === "1", hamletIds, scheduledAt: scheduledAt as string | null };
    try {
      const { view } = editing
        ? await broadcasts.update(ctx.principal, editing.id, fields)
        : await broadcasts.create(ctx.principal, { communeCode: f.communeCode, ...fields });
      return reply.redirect(`/staff/broadcasts/${view.id}`, 303);
    } catch (error) {
      if (error instanceof AppError && (error.code === "VALIDATION_FAILED" || error.code === "FORBIDDEN")) {
        const details = (error.details ?? {}) as { field?: string; issues?: { field: string; message: string }[] };
        const issues = details.issues ?? [{ field: details.field ?? "title", message: error.message }];
        return composePage(request, reply, f, issues.map((i) => ({ field: formField(i.field), message: i.message })), 400, editing);
      }
      throw error;
    }
  }

  app.post("/staff/broadcasts", async (request, reply) => saveDraft(request, reply, null));

  app.get("/staff/broadcasts/:id/edit", async (request, reply) => {
    const ctx = pageContext(request);
    const { id } = idParams.parse(request.params);
    const b = await broadcasts.get(ctx.principal, id);
    if (b.status !== "DRAFT") return reply.redirect(`/staff/broadcasts/${id}`, 303);
    return composePage(
      request,
      reply,
      {
        communeCode: b.communeCode,
        title: b.title,
        body: b.body,
        target: b.hamlets.length ? "hamlets" : "all",
        hamletIds: b.hamlets.map((h) => h.id),
        urgent: b.urgent ? "1" : "0",
        when: b.scheduledAt ? "later" : "now",
        scheduledAt: b.scheduledAt ? toLocalInput(b.scheduledAt) : "",
      },
      [],
      200,
      { id },
    );
  });

  app.post("/staff/broadcasts/:id/edit", async (request, reply) => saveDraft(request, reply, { id: idParams.parse(request.params).id }));

  app.get("/staff/broadcasts/:id", async (request, reply) => {
    const ctx = pageContext(request);
    const { id } = idParams.parse(request.params);
    const view = await broadcasts.get(ctx.principal, id);
    const preview = view.status === "DRAFT" || view.status === "AWAITING_APPROVAL" || view.status === "SCHEDULED" ? await broadcasts.preview(ctx.principal, id) : null;
    const msg = z.object({ msg: z.string().optional() }).safeParse(request.query);
    const mine = view.status === "AWAITING_APPROVAL" && (await broadcasts.isAuthor(ctx.principal, id));
    return sendConsolePage(request, reply, "staff/broadcasts/show", {
      ...ctx,
      title: view.title,
      b: view,
      preview,
      flash: msg.success && msg.data.msg ? (FLASH[msg.data.msg] ?? null) : null,
      canApprove: view.status === "AWAITING_APPROVAL" && !mine && (ctx.principal.role === "ADMIN" || ctx.principal.role === "COMMUNE_STAFF"),
      mine,
    });
  });

  app.get("/staff/broadcasts/:id/unreached", async (request, reply) => {
    const ctx = pageContext(request);
    const { id } = idParams.parse(request.params);
    const view = await broadcasts.get(ctx.principal, id);
    const groups = await broadcasts.unreached(ctx.principal, id);
    return sendConsolePage(request, reply, "staff/broadcasts/unreached", { ...ctx, title: `Người chưa nhận được: ${view.title}`, b: view, groups });
  });

  const action = (name: "send" | "approve" | "cancel") =>
    app.post(`/staff/broadcasts/:id/${name}`, async (request, reply) => {
      const ctx = pageContext(request);
      const { id } = idParams.parse(request.params);
      const view = await broadcasts[name](ctx.principal, id);
      const msg = name === "cancel" ? "cancelled" : view.status === "AWAITING_APPROVAL" ? "awaiting" : view.status === "SCHEDULED" ? (name === "approve" ? "approved" : "scheduled") : "sending";
      return reply.redirect(`/staff/broadcasts/${id}?msg=${msg}`, 303);
    });
  action("send");
  action("approve");
  action("cancel");
}

/** An instant as a datetime-local value in Vietnam's time (UTC+7, no daylight saving). */
export function toLocalInput(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);
}

/** The form's field for an API field ("hamletIds.0" → "hamletIds"). */
function formField(field: string): string {
  return field.split(".")[0] || "title";
}
