/**
 * The monthly report as a table (Vietnamese headings): for the CSV (csv-stringify, with a UTF-8 BOM
 * so Excel reads the diacritics) and the XLSX (exceljs: a sheet with the figures and the four
 * sections, and for a province one line per commune).
 */
import { stringify } from "csv-stringify/sync";
import { NOTICE_CHANNEL_LABELS, REPORT_TEXT } from "../text/staff-vi.js";
import type { MonthlyReportView } from "./monthly-report.js";
import { xmlChars } from "../text/characters.js";
import { formatDateTimeVi } from "../text/dates.js";

export interface ReportLine {
  /** The part of the report (Tiếp nhận hồ sơ, Trả kết quả, …). */
  part: string;
  label: string;
  value: number | string;
}

const T = REPORT_TEXT;

/** Every figure of the report, in reading order, as (part, label, value). */
export function reportLines(r: MonthlyReportView): ReportLine[] {
  const f = r.figures;
  const lines: ReportLine[] = [];
  const add = (part: string, label: string, value: number | string) => lines.push({ part, label, value });
  add(T.parts.received, T.received.total, f.received.total);
  add(T.parts.received, T.received.COUNTER, f.received.COUNTER);
  add(T.parts.received, T.received.ONLINE, f.received.ONLINE);
  add(T.parts.received, T.received.POSTAL, f.received.POSTAL);
  add(T.parts.returned, T.returned.total, f.returned.total);
  add(T.parts.returned, T.returned.byPost, f.returned.byPost);
  add(T.parts.returned, T.returned.early, f.returned.early);
  add(T.parts.returned, T.returned.onTime, f.returned.onTime);
  add(T.parts.returned, T.returned.late, f.returned.late);
  add(T.parts.returned, T.returned.noDueDate, f.returned.noDueDate);
  add(T.parts.apologies, T.apologies.total, f.apologies.total);
  add(T.parts.apologies, T.apologies.late, f.apologies.late);
  add(T.parts.handovers, T.handovers.total, f.handovers.total);
  add(T.parts.handovers, T.handovers.EARLY, f.handovers.EARLY);
  add(T.parts.handovers, T.handovers.ON_TIME, f.handovers.ON_TIME);
  add(T.parts.handovers, T.handovers.LATE, f.handovers.LATE);
  add(T.parts.notices, T.notices.total, f.notices.total);
  for (const o of ["delivered", "sent", "failed", "unknown", "checking", "pending", "cancelled", "fellBack"] as const) add(T.parts.notices, T.notices[o], f.notices[o]);
  for (const ch of f.notices.byChannel) {
    const name = NOTICE_CHANNEL_LABELS[ch.channel];
    add(T.parts.noticesByChannel, `${name}: ${T.notices.total.toLowerCase()}`, ch.total);
    for (const o of ["delivered", "sent", "failed", "unknown", "checking", "pending", "cancelled", "fellBack"] as const) if (ch[o]) add(T.parts.noticesByChannel, `${name}: ${T.notices[o].toLowerCase()}`, ch[o]);
  }
  add(T.parts.cost, T.cost.smsSegments, f.notices.cost.smsSegments);
  add(T.parts.cost, T.cost.sms, f.notices.cost.sms);
  add(T.parts.cost, T.cost.zaloPaidMessages, f.notices.cost.zaloPaidMessages);
  add(T.parts.cost, T.cost.zalo, f.notices.cost.zalo);
  add(T.parts.cost, T.cost.total, f.notices.cost.total);
  for (const kind of ["RESULT_DELIVERY", "DOSSIER_COLLECTION"] as const) {
    add(T.parts.bookings, `${T.bookingKinds[kind]}: ${T.bookings.requested}`, f.bookings[kind].requested);
    add(T.parts.bookings, `${T.bookingKinds[kind]}: ${T.bookings.completed}`, f.bookings[kind].completed);
    add(T.parts.bookings, `${T.bookingKinds[kind]}: ${T.bookings.failed}`, f.bookings[kind].failed);
  }
  add(T.parts.announcements, T.announcements.sent, f.announcements.sent);
  add(T.parts.announcements, T.announcements.recipients, f.announcements.recipients);
  add(T.parts.announcements, T.announcements.reached, f.announcements.reached);
  add(T.parts.announcements, T.announcements.delivered, f.announcements.delivered);
  return lines;
}

const statusText = (r: MonthlyReportView) =>
  r.status === "SUBMITTED" ? `${T.status.SUBMITTED}${r.submittedBy ? ` (${r.submittedBy})` : ""}${r.submittedAt ? ` – ${vnDateTime(r.submittedAt)}` : ""}` : T.status.DRAFT;

const vnDateTime = (iso: string): string => formatDateTimeVi(new Date(iso));

export const reportTitle = (r: MonthlyReportView) => `${T.title} ${r.monthLabel} – ${r.unit.name}`;

export const reportFileName = (r: MonthlyReportView, ext: "csv" | "xlsx") => `bao-cao-thang-${r.unit.code}-${r.month}.${ext}`;

/** The CSV: a title, the figures (Phần, Chỉ tiêu, Số liệu), the sections, and for a province one line per commune. UTF-8 with a BOM. */
export function reportCsv(r: MonthlyReportView): string {
  const rows: (string | number)[][] = [];
  rows.push([reportTitle(r)]);
  rows.push([T.statusHeading, statusText(r)]);
  rows.push([]);
  rows.push([T.columns.part, T.columns.label, T.columns.value]);
  for (const l of reportLines(r)) rows.push([l.part, l.label, l.value]);
  rows.push([]);
  for (const k of ["results", "strengths", "limitations", "proposals"] as const) rows.push([T.sections[k], r.sections[k]]);
  if (r.unit.level === "PROVINCE") {
    rows.push([]);
    rows.push(COMMUNE_COLUMNS.map((c) => c.header));
    for (const c of r.communes) rows.push(COMMUNE_COLUMNS.map((col) => c[col.key]));
  }
  return `\uFEFF${stringify(rows.map((row) => row.map(asText)), { record_delimiter: "\r\n" })}`;
}

/**
 * A text cell as a spreadsheet must read it: Excel and LibreOffice take a cell starting with
 * `=`, `+`, `-`, `@` (or a tab or carriage return) as a formula — a section a commune wrote as a
 * dash list shows `#NAME?`, and `=HYPERLINK(…)` would run for whoever opens the file (the
 * province's officer reading a commune's report). A leading `'` keeps it text (OWASP's CSV
 * injection advice). Numbers stay numbers.
 */
const asText = (cell: string | number): string | number => (typeof cell === "string" && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

const COMMUNE_COLUMNS = [
  { key: "code", header: T.communeColumns.code },
  { key: "name", header: T.communeColumns.name },
  { key: "received", header: T.communeColumns.received },
  { key: "receivedByPost", header: T.communeColumns.receivedByPost },
  { key: "returned", header: T.communeColumns.returned },
  { key: "returnedByPost", header: T.communeColumns.returnedByPost },
  { key: "late", header: T.communeColumns.late },
  { key: "apologies", header: T.communeColumns.apologies },
  { key: "handovers", header: T.communeColumns.handovers },
  { key: "notices", header: T.communeColumns.notices },
  { key: "noticesFailed", header: T.communeColumns.noticesFailed },
  { key: "bookingsRequested", header: T.communeColumns.bookingsRequested },
  { key: "announcements", header: T.communeColumns.announcements },
] as const;

/** The XLSX workbook: "Báo cáo" (title, status, figures, sections) and, for a province, "Theo xã". */
export async function reportXlsx(r: MonthlyReportView): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs"); // a large library: loaded on the first export, not at start
  const wb = new ExcelJS.Workbook();
  wb.creator = "motcua";
  wb.created = new Date(r.countedAt);
  const ws = wb.addWorksheet(T.sheets.report, { pageSetup: { paperSize: 9, orientation: "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = [
    { key: "part", width: 34 },
    { key: "label", width: 58 },
    { key: "value", width: 16 },
  ];
  const title = ws.addRow([xmlChars(reportTitle(r))]);
  title.font = { bold: true, size: 14 };
  ws.mergeCells(title.number, 1, title.number, 3);
  ws.addRow([T.statusHeading, xmlChars(statusText(r))]);
  ws.addRow([]);
  const head = ws.addRow([T.columns.part, T.columns.label, T.columns.value]);
  head.font = { bold: true };
  head.eachCell((c) => {
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE2E8F0" } };
    c.border = { bottom: { style: "thin" } };
  });
  for (const l of reportLines(r)) {
    const row = ws.addRow([l.part, l.label, l.value]);
    row.getCell(3).numFmt = "#,##0";
  }
  ws.addRow([]);
  for (const k of ["results", "strengths", "limitations", "proposals"] as const) {
    const h = ws.addRow([T.sections[k]]);
    h.font = { bold: true };
    // Saved by an older version, a noncharacter would make the whole file one Excel and LibreOffice refuse.
    const body = ws.addRow([xmlChars(r.sections[k])]);
    ws.mergeCells(body.number, 1, body.number, 3);
    body.getCell(1).alignment = { wrapText: true, vertical: "top" };
    const lines = r.sections[k].split("\n").reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 100)), 0);
    body.height = Math.min(409, Math.max(15, lines * 15));
  }
  if (r.unit.level === "PROVINCE") {
    const cs = wb.addWorksheet(T.sheets.communes);
    cs.columns = COMMUNE_COLUMNS.map((c, i) => ({ key: c.key, header: c.header, width: i === 1 ? 32 : 14 }));
    cs.getRow(1).font = { bold: true };
    cs.getRow(1).alignment = { wrapText: true, vertical: "top" };
    for (const c of r.communes) cs.addRow(c);
    cs.views = [{ state: "frozen", ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
