/**
 * Where a procedure's facts come from and how fresh they are, said to citizens in the same words
 * by the bot and by `GET /api/v1/procedures/{code}`:
 * - the source and the month the copy was taken ("Theo Cổng Dịch vụ công quốc gia, cập nhật
 *   06/2026"), and the day an admin corrected it, if one did;
 * - below high confidence, a line to confirm at the one-stop desk before submitting;
 * - each fact the source leaves empty, said to be unknown with where to ask (never guessed);
 * - the fee as the data supports it (`feeText`): never "Miễn phí" where the portal's note says the
 *   amount is set elsewhere.
 */
import { searchKey } from "../text/vietnamese.js";
import type { ProcedureView } from "./repository.js";

export type UnknownField = "agency" | "processingTime" | "fee" | "documents";

export interface Provenance {
  /** One sentence: the source and its date. */
  statement: string;
  /** Below high confidence: confirm at the desk before submitting; null otherwise. */
  confirmAtDesk: string | null;
  /** The facts the source leaves empty, each with what the citizen is told instead. */
  unknown: { field: UnknownField; text: string }[];
}

type ProvenanceInput = Pick<ProcedureView, "origin" | "dataAsOf" | "confidence" | "reviewStatus" | "correctedAt" | "agency" | "processingTime" | "fee" | "documents">;

const DAY = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });

/** "2026-06" → "06/2026"; "2026" → "năm 2026"; anything else is not shown. */
export function formatDataDate(dataAsOf: string | null): string | null {
  const month = dataAsOf?.match(/^(\d{4})-(\d{2})$/);
  if (month) return `${month[2]}/${month[1]}`;
  const year = dataAsOf?.match(/^(\d{4})$/);
  return year ? `năm ${year[1]}` : null;
}

export const CONFIRM_AT_DESK = "⚠️ Thông tin thủ tục này đang được cán bộ xác minh lại; ông/bà nên hỏi bộ phận một cửa của xã/phường trước khi nộp hồ sơ.";
const ASK_AT_DESK = "ông/bà vui lòng hỏi bộ phận một cửa (Trung tâm Phục vụ hành chính công) của xã/phường nơi nộp hồ sơ";

const LABEL: Record<UnknownField, string> = {
  agency: "Nơi nộp",
  processingTime: "Thời hạn giải quyết",
  fee: "Lệ phí",
  documents: "Giấy tờ cần nộp",
};

/** What a citizen is told for a fact the source leaves empty. */
export function unknownText(p: Pick<ProcedureView, "origin">, field: UnknownField): string {
  const why = p.origin === "PORTAL" ? " (Cổng Dịch vụ công quốc gia không nêu)" : "";
  return `${LABEL[field]}: chưa có thông tin${why}; ${ASK_AT_DESK}.`;
}

export function provenanceOf(p: ProvenanceInput): Provenance {
  const date = formatDataDate(p.dataAsOf);
  const source = p.origin === "PORTAL" ? "Theo Cổng Dịch vụ công quốc gia" : "Theo Cổng Dịch vụ công quốc gia và các văn bản pháp luật";
  const corrected = p.correctedAt ? `; cán bộ hiệu đính ngày ${DAY.format(p.correctedAt)}` : "";
  const statement = `${source}${date ? `, cập nhật ${date}` : ""}${corrected}.`;
  const unknown: Provenance["unknown"] = [];
  for (const field of ["agency", "processingTime", "fee"] as const) if (p[field] === null) unknown.push({ field, text: unknownText(p, field) });
  if (p.documents.length === 0) unknown.push({ field: "documents", text: unknownText(p, "documents") });
  const sure = p.confidence === "HIGH" && p.reviewStatus === "PUBLISHED";
  return { statement, confirmAtDesk: sure ? null : CONFIRM_AT_DESK, unknown };
}

/**
 * Amounts the portal's export writes with English thousands separators ("70,000 VNĐ", "4,500,000
 * Việt Nam Đồng"), which a Vietnamese reader takes for a decimal comma (seventy đồng), written as
 * the rest of the text writes them: "70.000 đồng". Only digits grouped by threes before a currency.
 */
function vietnameseAmounts(fee: string): string {
  return fee.replace(/(?<![\d.,])(\d{1,3}(?:,\d{3})+)\s*(Việt Nam Đồng|VNĐ|VND|đồng|Đồng)(?!\p{L})/gu, (_, amount: string) => `${amount.replaceAll(",", ".")} đồng`);
}

/** Where the bracket opened at `open` closes (brackets may nest); the text's length if it never does. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  return text.length;
}

/**
 * A time-limited reduction the source states in an amount's note ("Kể từ ngày 01/7/2025 đến hết
 * ngày 31/12/2026 mức thu lệ phí … bằng 50% mức thu nêu trên"), said right after the amount while it
 * is in force (a Vietnamese calendar day): otherwise the summary, which keeps an amount's opening,
 * would tell the citizen the full amount they will not be charged. Reductions for online filing
 * only say so; ended or future ones are left to the note.
 */
const REDUCTION = /từ ngày (\d{1,2})\/(\d{1,2})\/(\d{4}),? đến hết ngày (\d{1,2})\/(\d{1,2})\/(\d{4}),?([^.;]*?)\bbằng (\d{1,2})\s?% (?:mức thu|mức lệ phí)/giu;
const AMOUNT_WITH_NOTE = /(?<![\d.])(\d{1,3}(?:\.\d{3})+) đồng \(/gu;

function reductionsInForce(fee: string, now: Date): string {
  const today = new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  const day = (d: string, m: string, y: string) => `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  return fee.replace(AMOUNT_WITH_NOTE, (whole: string, amount: string, at: number) => {
    const open = at + whole.length - 1;
    const close = closingBracket(fee, open);
    const note = fee.slice(open + 1, close);
    for (const r of note.matchAll(REDUCTION)) {
      const [, d1, m1, y1, d2, m2, y2, between, percent] = r;
      if (today < day(d1!, m1!, y1!) || today > day(d2!, m2!, y2!)) continue;
      const share = Number(percent);
      if (share <= 0 || share >= 100) continue;
      const reduced = Math.round((Number(amount.replaceAll(".", "")) * share) / 100).toLocaleString("vi-VN");
      const online = /trực tuy/iu.test(between!) ? "nộp trực tuyến " : "";
      return `${amount} đồng (${online}đến hết ngày ${d2}/${m2}/${y2} chỉ thu ${share}%: ${reduced} đồng) (`;
    }
    return whole;
  });
}

/**
 * A sentence of a portal note that only confirms there is no fee ("Không có.", "Không thu lệ phí
 * đăng ký đối với tổ hợp tác theo … Luật Hợp tác xã"), or that concerns only something extra,
 * asked for or not ("Phí cấp bản sao Trích lục … (nếu có yêu cầu) thực hiện theo … Thông tư số
 * 281/2016/TT-BTC"): the procedure itself stays free.
 */
const CONFIRMS_FREE = /^(khong co|khong thu|khong|khong thu (le )?phi( .*)?)$/;
const ONLY_IF_ASKED = /\bneu co yeu cau\b/;
/** Whether every sentence of a "Miễn phí (…)" note leaves the procedure free. */
function leavesFree(note: string): boolean {
  const sentences = note
    .split(/(?<=\.)\s+|(?:^|\s)-\s+/u)
    .map((t) => searchKey(t).replace(/[.\s]+$/, ""))
    .filter((t) => t !== "");
  return sentences.length > 0 && sentences.every((t) => CONFIRMS_FREE.test(t) || ONLY_IF_ASKED.test(t));
}

/**
 * The portal writes "Miễn phí" in its fee field whenever the amount is 0, even where its note says
 * the amount is set elsewhere ("Miễn phí (Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh… quyết
 * định…)", "Miễn phí (Thông tư số 60/2023/TT-BTC… quy định mức thu…)"). The citizen is told free
 * only where the data says so without a note (or with a note that only confirms it); otherwise who
 * sets the amount, the note itself, and where to ask. The portal's commune-level export writes the
 * same amount as "Phí: 0 VNĐ" (procedures-commune.md: "= free"), read alike, so that no answer says
 * "Lệ phí: Phí: 0 VNĐ".
 */
export function feeText(fee: string, now: Date = new Date()): string {
  let out = "";
  let rest = reductionsInForce(vietnameseAmounts(fee), now).replace(/(^|[:;]\s*)Phí: 0 VNĐ/gu, "$1Miễn phí");
  for (;;) {
    const at = rest.search(/(^|[:;]\s*)Miễn phí \(/);
    if (at < 0) return out + rest;
    const open = rest.indexOf("(", at);
    const close = closingBracket(rest, open);
    const note = rest.slice(open + 1, close).trim();
    const key = searchKey(note).replace(/[.\s]+$/, "");
    const start = rest.indexOf("Miễn phí", at);
    let said: string;
    if (leavesFree(note)) said = rest.slice(start, close + 1);
    else {
      const circular = note.match(/Thông tư số [\w/.-]+/u)?.[0];
      const who = /hoi dong nhan dan|hdnd/.test(key)
        ? "Mức lệ phí do Hội đồng nhân dân cấp tỉnh quyết định"
        : circular
          ? `Mức thu theo ${circular.replace(/[.,]$/, "")}`
          : "Chưa rõ mức thu";
      said = `${who}; Cổng Dịch vụ công quốc gia không nêu số tiền, ông/bà vui lòng hỏi bộ phận một cửa. Ghi chú của Cổng: ${note}`;
    }
    out += rest.slice(0, start) + said;
    rest = rest.slice(close + 1);
  }
}

/** Units of a processing time, shortest first (the order several cases are listed in). */
const TIME_UNITS: Readonly<Record<string, number>> = { giờ: 1 / 8, ngày: 1, "ngày làm việc": 1, tuần: 7, tháng: 30, năm: 365 };
const TIME_PART = /^(\d+(?:[.,]\d+)?)\s+(giờ|ngày làm việc|ngày|tuần|tháng|năm)$/u;

/** "5 ngày làm việc / 2 ngày" (one channel's cases): "2 ngày hoặc 5 ngày làm việc, tùy trường hợp"; anything else as it is. */
function timeCases(value: string): string {
  const parts = [...new Set(value.split(" / ").map((t) => t.trim()))];
  if (parts.length < 2) return value;
  const parsed = parts.map((t) => TIME_PART.exec(t));
  if (parsed.some((m) => m === null)) return value;
  const cases = (parsed as RegExpExecArray[])
    .map((m) => ({ n: Number(m[1]!.replace(",", ".")), number: m[1]!, unit: m[2]! }))
    .sort((a, b) => a.n * TIME_UNITS[a.unit]! - b.n * TIME_UNITS[b.unit]! || a.n - b.n);
  const oneUnit = cases.every((c) => c.unit === cases[0]!.unit);
  const said = cases.map((c, i) => (oneUnit && i < cases.length - 1 ? c.number : `${c.number} ${c.unit}`));
  return `${said.slice(0, -1).join(", ")} hoặc ${said.at(-1)!}, tùy trường hợp`;
}

/**
 * A processing time in the words citizens are told. The portal capitalises its units ("7 Ngày làm
 * việc", "8 Giờ"), which reads wrong mid-sentence, and joins one channel's several cases with " / "
 * ("5 Ngày làm việc / 2 Ngày", procedures-commune.md), which a citizen cannot read: said "2 ngày
 * hoặc 5 ngày làm việc, tùy trường hợp". Channels ("Trực tuyến: …; Trực tiếp: …") that come to the
 * same words are said once. Other text is left as the source wrote it.
 */
export function timeText(time: string): string {
  const lowered = time.replace(/(\d)\s+(Ngày làm việc|Ngày|Giờ|Tuần|Tháng|Năm)(?!\p{L})/gu, (_, d: string, unit: string) => `${d} ${unit.toLowerCase()}`);
  const channels = lowered.split("; ").map((segment) => {
    const labelled = /^(Trực tuyến|Dịch vụ bưu chính|Bưu chính|Trực tiếp): (.*)$/u.exec(segment);
    return labelled ? { label: labelled[1]!, value: timeCases(labelled[2]!) } : { label: null, value: timeCases(segment) };
  });
  if (channels.length > 1 && channels.every((c) => c.label !== null && c.value === channels[0]!.value)) return channels[0]!.value;
  return channels.map((c) => (c.label ? `${c.label}: ${c.value}` : c.value)).join("; ");
}
