/**
 * Sample dossiers for the demo, in different states, so a newcomer can try tracking in the web
 * chat at once. Written through the same ingestion path as upstream events, once: their dates
 * follow the day the demo first ran, so a sample already in the database is left as it is
 * (running the demo again adds nothing and changes nothing).
 */
import type pg from "pg";
import { CalendarService } from "../src/calendar/calendar-service.js";
import { dayKey, shiftDay, startOfDay, type WorkingCalendar } from "../src/calendar/working-days.js";
import { dossierEventSchema } from "../src/dossiers/event-schema.js";
import { DossierIngestService } from "../src/dossiers/ingest-service.js";

interface Sample {
  code: string;
  phone: string;
  name: string;
  procedure: { code: string; name: string };
  /** Working days before today (the stored calendar's), as the desk works. */
  steps: { status: string; daysAgo: number; note?: string }[];
  /** Working days from today to the appointment (negative: overdue), at 17:00 when the desk closes. */
  dueInDays: number;
  channel: "COUNTER" | "ONLINE" | "POSTAL";
}

const SAMPLES: Sample[] = [
  { code: "H15.50.05.13-261120-0101", phone: "0912345601", name: "Nguyễn Văn An", procedure: { code: "1.001193", name: "Đăng ký khai sinh" }, channel: "COUNTER", dueInDays: 2, steps: [{ status: "RECEIVED", daysAgo: 1 }, { status: "PROCESSING", daysAgo: 0 }] },
  { code: "H15.50.05.13-261118-0102", phone: "0987654302", name: "Trần Thị Bình", procedure: { code: "1.004873", name: "Cấp Giấy xác nhận tình trạng hôn nhân" }, channel: "POSTAL", dueInDays: -1, steps: [{ status: "POSTAL_COLLECTED", daysAgo: 6 }, { status: "RECEIVED", daysAgo: 5 }, { status: "RESULT_READY", daysAgo: 0 }] },
  { code: "H15.50.05.13-261115-0103", phone: "0905123403", name: "Lê Văn Cường", procedure: { code: "1.004222", name: "Đăng ký thường trú" }, channel: "COUNTER", dueInDays: 3, steps: [{ status: "RECEIVED", daysAgo: 9 }, { status: "SUPPLEMENT_REQUIRED", daysAgo: 4, note: "Bổ sung giấy tờ chứng minh chỗ ở hợp pháp" }] },
  { code: "H15.50.05.13-261110-0104", phone: "0938765404", name: "Phạm Thị Dung", procedure: { code: "2.000635", name: "Cấp bản sao Trích lục hộ tịch" }, channel: "ONLINE", dueInDays: -3, steps: [{ status: "RECEIVED", daysAgo: 14 }, { status: "PROCESSING", daysAgo: 12 }] },
];

const HOUR = 3_600_000;

/** The working day `n` working days from `today` (negative: before it; 0: today, or the last working day before it). */
function workingDay(calendar: WorkingCalendar, today: string, n: number): string {
  if (n > 0) return calendar.addWorkingDays(today, n);
  let key = today;
  while (!calendar.isWorkingDay(key)) key = shiftDay(key, -1);
  for (let left = -n; left > 0; ) {
    key = shiftDay(key, -1);
    if (calendar.isWorkingDay(key)) left--;
  }
  return key;
}

/** An appointment `n` working days from now: 17:00 that day in Vietnam, when the desk closes (as a date alone is read). */
export function demoDueAt(calendar: WorkingCalendar, n: number, now = new Date()): Date {
  return new Date(startOfDay(workingDay(calendar, dayKey(now), n)).getTime() + 17 * HOUR);
}

export async function seedDemoDossiers(pool: pg.Pool): Promise<{ code: string; digits: string; what: string }[]> {
  const ingest = new DossierIngestService(pool);
  const calendar = await new CalendarService(pool).calendar();
  const now = Date.now();
  const today = dayKey(new Date(now));
  // A step on a working day: 09:00 there, or now when that is earlier (today's step before nine).
  const stepAt = (daysAgo: number) => Math.min(now, startOfDay(workingDay(calendar, today, -daysAgo)).getTime() + 9 * HOUR);
  const present = new Set((await pool.query<{ code: string }>(`SELECT code FROM "Dossier" WHERE code = ANY($1::text[])`, [SAMPLES.map((s) => s.code)])).rows.map((r) => r.code));
  for (const s of SAMPLES) {
    if (present.has(s.code)) continue;
    const events = s.steps.map((step, i) =>
      dossierEventSchema.parse({
        eventId: `demo-${s.code}-${i}`,
        dossierCode: s.code,
        status: step.status,
        occurredAt: new Date(stepAt(step.daysAgo) - (s.steps.length - i) * 60_000).toISOString(),
        procedure: s.procedure,
        applicant: { fullName: s.name, phone: s.phone },
        communeCode: "29955",
        channel: s.channel,
        dueAt: demoDueAt(calendar, s.dueInDays, new Date(now)).toISOString(),
        note: step.note ?? null,
      }),
    );
    await ingest.ingest(events, { source: "UPSTREAM" });
  }
  return SAMPLES.map((s) => ({ code: s.code, digits: s.phone.slice(-4), what: `${s.procedure.name}: ${s.steps.at(-1)!.status}` }));
}
