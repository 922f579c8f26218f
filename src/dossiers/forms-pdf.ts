/**
 * Forms 04 (the apology and new appointment) and 05 (the process control form) as PDF, in the
 * layout of the one-stop forms: the commune's header beside the national motto, the title, the
 * dossier's particulars, then the letter's text (04) or the table of hand-overs (05). Drawn with
 * pdfkit in DejaVu Serif, a TrueType font with every Vietnamese glyph, shipped in an npm package
 * (dejavu-fonts-ttf) so the server does not depend on the fonts of its OS; Debian's copy is the
 * fallback. The font is embedded (subset).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { AppError } from "../errors.js";
import { formatDateTimeVi, formatDateVi } from "../text/dates.js";
import { FORMS_TEXT, HANDOVER_RESULT_LABELS } from "../text/staff-vi.js";

const require = createRequire(import.meta.url);

function fontDir(): string {
  const candidates: string[] = [];
  try {
    candidates.push(path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf"));
  } catch {
    // not installed: the OS's copy below
  }
  candidates.push("/usr/share/fonts/truetype/dejavu");
  const dir = candidates.find((d) => existsSync(path.join(d, "DejaVuSerif.ttf")));
  if (!dir) throw new AppError("SERVICE_UNAVAILABLE", "Không tìm thấy phông chữ DejaVu Serif để tạo PDF (npm ci installs dejavu-fonts-ttf; Debian: apt-get install fonts-dejavu-core).");
  return dir;
}

let fonts: { regular: string; bold: string; italic: string } | null = null;
function fontFiles() {
  if (!fonts) {
    const dir = fontDir();
    const pick = (name: string) => (existsSync(path.join(dir, name)) ? path.join(dir, name) : path.join(dir, "DejaVuSerif.ttf"));
    fonts = { regular: path.join(dir, "DejaVuSerif.ttf"), bold: pick("DejaVuSerif-Bold.ttf"), italic: pick("DejaVuSerif-Italic.ttf") };
  }
  return fonts;
}

/** What both forms show of a dossier (from the history service's view). */
export interface FormDossier {
  code: string;
  procedure: { code: string | null; name: string | null };
  commune: { code: string; name: string } | null;
  applicant: { fullName: string | null };
  receivedAt: Date | null;
  dueAt: Date | null;
  newDueAt: Date | null;
  apology: { reason: string; previousDueAt: Date | null; newDueAt: Date; issuedAt: Date; late: boolean; issuedByName: string } | null;
  handovers: { fromUnit: string; toUnit: string; handedBy: string; receivedBy: string; handedAt: Date; stepDueAt: Date | null; result: "EARLY" | "ON_TIME" | "LATE"; note: string | null; postalReceipt: string | null }[];
}

/** "ngày 05 tháng 12 năm 2026" (Vietnam time). */
export function longDateVi(date: Date): string {
  const [d, m, y] = formatDateVi(date).split("/");
  return `ngày ${d} tháng ${m} năm ${y}`;
}

/** "09 giờ 15 phút, ngày 05/12/2026". */
export function handoverTimeVi(date: Date): string {
  const [time, day] = formatDateTimeVi(date).split(" ");
  const [h, min] = time!.split(":");
  return `${h} giờ ${min} phút, ngày ${day}`;
}

const M = 56; // margins (about 2 cm)

/** pdfkit (and its fonts' parsers) load on the first form asked for, not when the server starts. */
async function newDocument(title: string): Promise<PDFKit.PDFDocument> {
  const { default: PDFDocument } = await import("pdfkit");
  const f = fontFiles();
  const doc = new PDFDocument({ size: "A4", margins: { top: M, bottom: M, left: M + 14, right: M }, info: { Title: title, Producer: "motcua", Creator: "motcua" } });
  doc.registerFont("regular", f.regular);
  doc.registerFont("bold", f.bold);
  doc.registerFont("italic", f.italic);
  doc.font("regular").fontSize(12);
  return doc;
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

/** The header: the commune's desk on the left, the national motto on the right, then the place and date. */
function header(doc: PDFKit.PDFDocument, d: FormDossier, date: Date | null, number: string | null): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const colW = width * 0.42;
  const rightX = left + width * 0.4;
  const rightW = width * 0.6;
  const top = doc.y;
  doc.font("regular").fontSize(11).text("ỦY BAN NHÂN DÂN", left, top, { width: colW, align: "center" });
  doc.font("bold").text((d.commune?.name ?? "").toUpperCase() || "……", { width: colW, align: "center" });
  doc.text("BỘ PHẬN MỘT CỬA", { width: colW, align: "center" });
  const leftBottom = doc.y;
  doc.font("bold").fontSize(11).text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", rightX, top, { width: rightW, align: "center" });
  doc.text("Độc lập - Tự do - Hạnh phúc", { width: rightW, align: "center", underline: true });
  const y = Math.max(leftBottom, doc.y) + 6;
  if (number) doc.font("regular").fontSize(11).text(number, left, y, { width: colW, align: "center" });
  if (date) doc.font("italic").fontSize(11).text(`${d.commune?.name ?? ""}, ${longDateVi(date)}`, rightX, y, { width: rightW, align: "center" });
  doc.x = left;
  doc.y = doc.y + 18;
}

function title(doc: PDFKit.PDFDocument, text: string): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font("bold").fontSize(14).text(text, left, doc.y, { width, align: "center" });
  doc.moveDown(0.8);
  doc.font("regular").fontSize(12);
}

/** A line "label: value" with the label in bold. */
function field(doc: PDFKit.PDFDocument, label: string, value: string): void {
  doc.font("bold").text(`${label}: `, { continued: true }).font("regular").text(value);
}

const dateOr = (d: Date | null) => (d ? formatDateVi(d) : "……");

/** Form 04: "Phiếu xin lỗi và hẹn lại ngày trả kết quả". */
export async function renderApologyPdf(d: FormDossier): Promise<Buffer> {
  const a = d.apology;
  if (!a) throw new AppError("NOT_FOUND", "Hồ sơ này chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả.");
  const doc = await newDocument(`Mẫu 04 – ${d.code}`);
  header(doc, d, a.issuedAt, "Số: …/PXL");
  title(doc, FORMS_TEXT.form04Title);
  const applicant = d.applicant.fullName ?? "……";
  const desk = `Bộ phận một cửa ${d.commune?.name ?? ""}`.trim();
  doc.font("bold").text(`Kính gửi: Ông/Bà ${applicant}`, { align: "center" });
  doc.moveDown(0.6).font("regular");
  const paragraph = (text: string) => doc.text(text, { align: "justify", indent: 28 }).moveDown(0.4);
  paragraph(
    `${desk} xin lỗi Ông/Bà vì hồ sơ đề nghị giải quyết thủ tục ${d.procedure.name ?? d.procedure.code ?? "……"} chưa được giải quyết đúng thời hạn đã hẹn trả ban đầu ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.`,
  );
  field(doc, "Mã hồ sơ", d.code);
  field(doc, "Ngày tiếp nhận", dateOr(d.receivedAt));
  field(doc, "Ngày hẹn trả kết quả ban đầu", dateOr(a.previousDueAt));
  field(doc, "Lý do chậm trễ", a.reason);
  doc.moveDown(0.4);
  paragraph(`Sự chậm trễ này đã gây phiền hà cho Ông/Bà. ${desk} thành thật xin lỗi và hẹn lại thời gian trả kết quả vào ${longDateVi(a.newDueAt)}.`);
  paragraph("Rất mong nhận được sự thông cảm của Ông/Bà!");
  doc.moveDown(1);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const x = left + width * 0.45;
  const y = doc.y;
  doc.font("bold").text("NGƯỜI ĐỨNG ĐẦU CƠ QUAN", x, y, { width: width * 0.55, align: "center" });
  doc.font("italic").fontSize(11).text("(Ký, ghi rõ họ tên và đóng dấu)", { width: width * 0.55, align: "center" });
  doc.moveDown(3.5);
  doc.font("regular").fontSize(11).text(`Người lập phiếu: ${a.issuedByName}`, { width: width * 0.55, align: "center" });
  return finish(doc);
}

/** Form 05: "Phiếu kiểm soát quá trình giải quyết hồ sơ", one row per hand-over. */
export async function renderForm05Pdf(d: FormDossier): Promise<Buffer> {
  const doc = await newDocument(`Mẫu 05 – ${d.code}`);
  header(doc, d, null, null);
  title(doc, FORMS_TEXT.form05Title);
  field(doc, "Mã hồ sơ", d.code);
  field(doc, "Người nộp hồ sơ", d.applicant.fullName ?? "……");
  field(doc, "Thủ tục", d.procedure.name ?? d.procedure.code ?? "……");
  field(doc, "Cơ quan (bộ phận) giải quyết hồ sơ", `Bộ phận một cửa ${d.commune?.name ?? ""}`.trim());
  field(doc, "Ngày tiếp nhận", dateOr(d.receivedAt));
  field(doc, "Ngày hẹn trả kết quả", `${dateOr(d.dueAt)}${d.newDueAt ? ` (hẹn lại: ${formatDateVi(d.newDueAt)})` : ""}`);
  doc.moveDown(0.6);

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const cols = [width * 0.3, width * 0.3, width * 0.15, width * 0.25];
  const heads = ["TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)", "GHI CHÚ"];
  const pad = 4;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  const drawRow = (cells: { text: string; font: string }[][], fontSize: number) => {
    doc.fontSize(fontSize);
    const heights = cells.map((parts, i) => parts.reduce((h, p) => h + doc.font(p.font).heightOfString(p.text || " ", { width: cols[i]! - 2 * pad }), 0));
    const h = Math.max(...heights) + 2 * pad;
    if (doc.y + h > bottom()) {
      doc.addPage();
      drawHead();
      doc.fontSize(fontSize);
    }
    const y = doc.y;
    let x = left;
    cells.forEach((parts, i) => {
      doc.rect(x, y, cols[i]!, h).stroke();
      let ty = y + pad;
      for (const p of parts) {
        doc.font(p.font).text(p.text, x + pad, ty, { width: cols[i]! - 2 * pad });
        ty = doc.y;
      }
      x += cols[i]!;
    });
    doc.x = left;
    doc.y = y + h;
  };
  const drawHead = () => drawRow(heads.map((t) => [{ text: t, font: "bold" }]), 9.5);

  drawHead();
  if (d.handovers.length === 0) {
    drawRow([[{ text: "Chưa có lần giao nhận nào.", font: "italic" }], [{ text: "", font: "regular" }], [{ text: "", font: "regular" }], [{ text: "", font: "regular" }]], 10);
  }
  d.handovers.forEach((h, i) => {
    // the note is one cell of a printed row: its line breaks are read as spaces (a note of line breaks would otherwise spread one row over many pages)
    const note = h.note === null ? null : h.note.replace(/\s*[\r\n]+\s*/g, " ").trim() || null;
    const notes = [note, h.postalReceipt && !(note ?? "").toUpperCase().includes(h.postalReceipt) ? `Số hiệu bưu gửi: ${h.postalReceipt}` : null, h.stepDueAt ? `Hạn của bước: ${formatDateTimeVi(h.stepDueAt)}` : null].filter(Boolean).join("\n");
    drawRow(
      [
        [
          { text: `${i + 1}. Giao: ${h.fromUnit}`, font: "regular" },
          { text: `Nhận: ${h.toUnit}`, font: "regular" },
        ],
        [
          { text: handoverTimeVi(h.handedAt), font: "regular" },
          { text: `Người giao: ${h.handedBy}`, font: "regular" },
          { text: `Người nhận: ${h.receivedBy}`, font: "regular" },
        ],
        [{ text: HANDOVER_RESULT_LABELS[h.result], font: "bold" }],
        [{ text: notes, font: "regular" }],
      ],
      10,
    );
  });
  return finish(doc);
}
