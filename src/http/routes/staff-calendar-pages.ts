/**
 * The console's working calendar, /staff/calendar: a year's holidays, compensatory and added days
 * off and worked weekend days, each with its name, where it comes from and whether it has been
 * checked against the official notice. Every staff role reads it; an admin adds, changes and
 * removes days with plain forms (CSRF-checked), through the same CalendarService as the API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../auth/guard.js";
import { principalRef } from "../../broadcasts/broadcast-service.js";
import { calendarDate, calendarDayInput, calendarYear, type CalendarService } from "../../calendar/calendar-service.js";
import { dayKey, weekday } from "../../calendar/working-days.js";
import { AppError } from "../../errors.js";
import { CALENDAR_KIND_LABELS, WEEKDAY_LABELS } from "../../text/staff-vi.js";
import { sendConsolePage } from "../../web/console.js";
import { requirePrincipal } from "../auth.js";

const pageQuery = z.object({
  year: calendarYear.optional(),
  ok: z.enum(["saved", "deleted"]).optional(),
  edit: calendarDate.optional(),
});

/** The add/edit form as posted (all strings; the checkbox is absent when not ticked). */
const dayForm = z.object({
  date: z.string().max(40).default(""),
  kind: z.string().max(40).default(""),
  name: z.string().max(2000).default(""),
  source: z.string().max(4000).default(""),
  confirmed: z.literal("1").optional(),
});

interface FormValues {
  date: string;
  kind: string;
  name: string;
  source: string;
  confirmed: boolean;
}

const OK: Record<string, string> = { saved: "Đã lưu ngày vào lịch làm việc.", deleted: "Đã xóa ngày khỏi lịch; ngày đó trở lại là ngày thường." };
const thisYear = () => Number(dayKey(new Date()).slice(0, 4));
/** 01/09/2026 for 2026-09-01. */
const vnDate = (key: string) => key.split("-").reverse().join("/");

export function registerStaffCalendarPages(app: FastifyInstance, deps: { calendar: CalendarService }): void {
  const render = async (request: FastifyRequest, reply: FastifyReply, year: number, state: { values?: FormValues; errors?: { field: string; message: string }[]; ok?: string | null } = {}, status = 200) => {
    const principal = requirePrincipal(request);
    const data = await deps.calendar.year(year);
    const days = data.days.map((d) => ({ ...d, shown: vnDate(d.date), weekday: WEEKDAY_LABELS[weekday(d.date)], kindLabel: CALENDAR_KIND_LABELS[d.kind] }));
    return sendConsolePage(
      request,
      reply,
      "staff/calendar/index",
      {
        current: "calendar",
        title: `Lịch làm việc ${year}`,
        year,
        seeded: data.seeded,
        days,
        unconfirmed: days.filter((d) => !d.confirmed).length,
        canWrite: can(principal, "calendar:write"),
        values: state.values ?? { date: "", kind: "HOLIDAY", name: "", source: "", confirmed: false },
        errors: state.errors ?? [],
        ok: state.ok ?? null,
      },
      status,
    );
  };

  app.get("/staff/calendar", async (request, reply) => {
    const parsed = pageQuery.safeParse(request.query ?? {});
    if (!parsed.success) throw new AppError("VALIDATION_FAILED", "Năm hoặc ngày không hợp lệ.");
    const q = parsed.data;
    const year = q.year ?? (q.edit ? Number(q.edit.slice(0, 4)) : thisYear());
    let values: FormValues | undefined;
    if (q.edit) {
      const day = (await deps.calendar.year(Number(q.edit.slice(0, 4)))).days.find((d) => d.date === q.edit);
      if (day) values = { date: day.date, kind: day.kind, name: day.name, source: day.source, confirmed: day.confirmed };
    }
    return render(request, reply, year, { values, ok: q.ok ? OK[q.ok] : null });
  });

  app.post("/staff/calendar", async (request, reply) => {
    const principal = requirePrincipal(request);
    const form = dayForm.safeParse(request.body ?? {});
    if (!form.success) throw new AppError("VALIDATION_FAILED", "Biểu mẫu không hợp lệ.");
    const values: FormValues = { date: form.data.date.trim(), kind: form.data.kind, name: form.data.name, source: form.data.source, confirmed: form.data.confirmed === "1" };
    const date = calendarDate.safeParse(values.date);
    const input = calendarDayInput.safeParse({ kind: values.kind, name: values.name, ...(values.source.trim() ? { source: values.source } : {}), confirmed: values.confirmed });
    const errors = [
      ...(date.success ? [] : [{ field: "day-date", message: date.error.issues[0]!.message.replace(/^date: /, "Ngày: ") }]),
      ...(input.success ? [] : input.error.issues.map((i) => ({ field: `day-${String(i.path[0] ?? "name")}`, message: i.message.replace(/^(\w+): /, (_m, f: string) => `${FIELD_NAMES[f] ?? f}: `) }))),
    ];
    const year = date.success ? Number(date.data.slice(0, 4)) : thisYear();
    if (!date.success || !input.success) return render(request, reply, year, { values, errors }, 400);
    try {
      await deps.calendar.put(date.data, input.data, principalRef(principal), principal.name);
    } catch (error) {
      if (error instanceof AppError && error.code === "VALIDATION_FAILED") {
        return render(request, reply, year, { values, errors: [{ field: "day-kind", message: error.message.replace(/^kind: /, "Loại ngày: ") }] }, 400);
      }
      throw error;
    }
    return reply.redirect(`/staff/calendar?year=${year}&ok=saved`, 303);
  });

  app.post("/staff/calendar/:date/delete", async (request, reply) => {
    requirePrincipal(request);
    const params = z.object({ date: calendarDate }).safeParse(request.params);
    if (!params.success) throw new AppError("NOT_FOUND", "Lịch không có ngày này.");
    await deps.calendar.remove(params.data.date);
    return reply.redirect(`/staff/calendar?year=${params.data.date.slice(0, 4)}&ok=deleted`, 303);
  });
}

const FIELD_NAMES: Record<string, string> = { kind: "Loại ngày", name: "Tên", source: "Nguồn", confirmed: "Đã xác nhận" };
