/**
 * Everything the chat bot says, in Vietnamese, in one place.
 */
import type { ProcedureView } from "../../src/catalog/repository.js";
import { feeText, provenanceOf, timeText, unknownText } from "../../src/catalog/provenance.js";
import { isDocumentHeading } from "../../src/catalog/source.js";
import { homePickup, submissionOf } from "../../src/catalog/submission.js";
import type { Button } from "../engine/types.js";
import type { Aspect } from "../intents/vocabulary.js";
import { clip } from "../../src/text/clip.js";

/** Words of the data about an amount the citizen receives. */
const AMOUNT = /(?<!\p{L})(mức hỗ trợ|mức trợ cấp|mức hưởng|mức trợ giúp)(?!\p{L})/iu;
/** Words of the data about how long a paper stays valid, with the length said ("có giá trị 06 tháng", "thời hạn sử dụng … không quá 12 tháng"). */
const VALIDITY = /(?<!\p{L})(giá trị|hiệu lực|hạn sử dụng)(?!\p{L})[^.;]{0,80}?\d+\s*(ngày|tháng|năm)(?!\p{L})/iu;
/** Words of the data about doing a procedure late: a fine, a deadline passed, a late fee. */
const LATE = /(?<!\p{L})(phạt|quá hạn|trễ hạn|đúng hạn|muộn|chậm)(?!\p{L})/iu;

const MENU_HINT = 'Gõ "menu" bất cứ lúc nào để xem lại các lựa chọn.';

/** How the dossier is handed in, from the one derivation of it (src/catalog/submission.ts). */
function postalLine(p: ProcedureView): string {
  const s = submissionOf(p);
  if (s.online === "only") return "Chỉ nộp trực tuyến (Cổng Dịch vụ công quốc gia hoặc VNeID); không gửi qua Bưu điện.";
  const desk = s.online === "also" ? "Nộp trực tiếp hoặc trực tuyến" : "Nộp trực tiếp";
  // post for the dossier or the result, and the steps the data says need the citizen there: both said
  const present = [
    ...(s.presentAtIntake ? ["người làm thủ tục phải có mặt khi cán bộ thu nhận hồ sơ (kiểm tra, ký xác nhận thông tin; thu nhận sinh trắc học nếu có)"] : []),
    ...s.inPerson,
  ];
  const but = present.length ? `; nhưng phải đến trực tiếp: ${present.join("; ")}.` : ".";
  // no post at all, or post unknown: the steps in person are said all the same
  const also = present.length ? ` Phải đến trực tiếp: ${present.join("; ")}.` : "";
  if (s.byPost === true && s.resultByPost === true) return `${desk}; có thể gửi hồ sơ và nhận kết quả qua Bưu điện${but}`;
  if (s.byPost === true) return `${desk}; có thể gửi hồ sơ qua Bưu điện${but}`;
  if (s.byPost === false && s.resultByPost === true) return `${desk}, không gửi hồ sơ qua Bưu điện; có thể nhận kết quả qua Bưu điện${but}`;
  if (s.byPost === false) return `${desk}, không gửi hồ sơ qua Bưu điện.${also}`;
  return `${desk}; việc gửi hồ sơ qua Bưu điện: chưa có thông tin, ông/bà vui lòng hỏi bộ phận một cửa.${also}`;
}

/** The clauses of the data's texts (cut at ";" and at a sentence's end) that `about` matches, each once, as bullets. */
function clausesSaying(texts: readonly (string | null)[], about: RegExp): string[] {
  const clauses = texts
    .flatMap((t) => (t ?? "").split(/;\s*|(?<=\.)\s+/u))
    .map((t) => t.trim().replace(/\.$/, ""))
    .filter((t) => about.test(t));
  return [...new Set(clauses)].map((t) => `• ${t.charAt(0).toUpperCase()}${t.slice(1)}`);
}

function copies(originals: number, copies: number): string {
  const parts = [originals ? `${originals} bản chính` : "", copies ? `${copies} bản sao` : ""].filter(Boolean);
  return parts.length ? ` — ${parts.join(", ")}` : "";
}

const BRIEF_LENGTH = 90;
/** A fact's opening shorter than this, followed by a bracket, is a claim the bracket qualifies. */
const QUALIFIED_CLAIM = 30;
/** Where the brackets that `text` opens and does not close begin, outermost first. */
function openBrackets(text: string): number[] {
  const open: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === "(") open.push(i);
    else if (text[i] === ")") open.pop();
  }
  return open;
}

/** A fact up to its first ";" outside brackets (one inside a bracket separates the bracket's own items). */
function firstClause(fact: string): string {
  let depth = 0;
  for (let i = 0; i < fact.length; i += 1) {
    if (fact[i] === "(") depth += 1;
    else if (fact[i] === ")") depth = Math.max(0, depth - 1);
    else if (fact[i] === ";" && depth === 0) return fact.slice(0, i);
  }
  return fact;
}

/** The first clause of a fact, short enough for the summary (the whole fact follows the documents, under "Chi tiết"). */
function brief(fact: string): string {
  const first = firstClause(fact).trim();
  // a fact shortened says so ("…"): the rest is under "Chi tiết"
  if (first.length <= BRIEF_LENGTH) return first === fact.trim() ? first : `${first.replace(/[\s,.:]+$/, "")}…`;
  let cut = first.slice(0, BRIEF_LENGTH - 1);
  cut = cut.slice(0, Math.max(cut.lastIndexOf(" "), 40));
  // never end inside brackets: "… cơ quan BHXH (thẻ…" becomes "… cơ quan BHXH…" — unless the
  // bracket qualifies a short claim: "Miễn phí (Mức lệ phí cụ thể do HĐND tỉnh…)" must not be
  // shortened to "Miễn phí…", which says the opposite of the bracket
  // (brackets may nest: "400.000 đồng (Lệ phí : 400.000 Đồng (Mức thu …": the outermost one left open counts)
  const open = openBrackets(cut);
  if (open.length > 0) {
    const before = cut.slice(0, open[0]);
    if (before.trim().length >= QUALIFIED_CLAIM) return `${before.replace(/[\s,;:(]+$/, "")}…`;
    const kept = cut.replace(/[\s,;:(]+$/, "");
    return `${kept}…${")".repeat(openBrackets(kept).length)}`;
  }
  return `${cut.replace(/[\s,;:(]+$/, "")}…`;
}

/** One channel's time in the portal's per-channel times, as `timeText` says it ("Trực tiếp: 15 ngày"). */
const CHANNEL_TIME = /^(?:Trực tuyến|Dịch vụ bưu chính|Bưu chính|Trực tiếp): (\d+) (giờ|ngày làm việc|ngày)$/u;

/**
 * A fact for the summary (`brief`); a time that differs by channel ("Trực tuyến: 20 ngày; Dịch vụ
 * bưu chính: 20 ngày; Trực tiếp: 15 ngày") as its range, "15 đến 20 ngày, tùy cách nộp", not the
 * first channel's alone (a citizen at the desk would read the online time).
 */
function summary(field: Fact, fact: string): string {
  if (field === "processingTime") {
    const channels = fact.split("; ").map((t) => CHANNEL_TIME.exec(t));
    if (channels.length > 1 && channels.every((m) => m !== null && m[2] === channels[0]![2])) {
      const days = channels.map((m) => Number(m![1]));
      const [least, most] = [Math.min(...days), Math.max(...days)];
      return least === most ? `${least} ${channels[0]![2]}` : `${least} đến ${most} ${channels[0]![2]}, tùy cách nộp`;
    }
  }
  return brief(fact);
}

/** A documents answer longer than this (one Telegram message is 4,096) has its papers' names and notes cut. */
const LONG_ANSWER = 3_500;
/** A document's note in a long answer: its opening, up to this many characters. */
const NOTE_BRIEF = 160;
/** How much of a paper's name an SMS answer says (its opening tells which paper it is). */
const SMS_PAPER_NAME = 70;
/** A note's opening, cut at a space, with "…". */
function cutNote(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = clip(text, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.(–-]+$/u, "")}…`;
}

/** A button's label, in UTF-16 units (what the chat apps count). */
const BUTTON_LABEL = 60;
/** A label cut to fit, never ending in a comma or space before its "…" ("… là động sản, …"). */
const cutLabel = (text: string): string => {
  const cut = clip(text, BUTTON_LABEL, "…");
  return cut === text ? cut : cut.replace(/[\s,;:.–-]+…$/u, "…");
};
/** Words of the name kept before "…" when a label must show where names differ. */
const LABEL_HEAD_WORDS = 4;
/** Words kept before the first differing one, for context. */
const LABEL_CONTEXT_WORDS = 2;

/**
 * Button labels for several names, each cut to fit; where two cut labels would read the same (long
 * names that differ only past the cut: "Đăng ký đất đai, … lần đầu đối với tổ chức…" and "… đối
 * với hộ gia đình…"), the label keeps the name's first words and then the words from where it
 * differs from the others: "Đăng ký đất đai, tài sản… đối với tổ chức đang sử dụng đất".
 */
export function distinctLabels(names: readonly string[]): string[] {
  const cut = names.map((n) => cutLabel(n));
  return names.map((name, i) => {
    if (!cut.some((c, j) => j !== i && c === cut[i])) return cut[i]!;
    const words = name.split(/\s+/);
    let differs = 0;
    for (const [j, other] of names.entries()) {
      if (j === i || cut[j] !== cut[i]) continue;
      const theirs = other.split(/\s+/);
      let k = 0;
      while (k < words.length && k < theirs.length && words[k] === theirs[k]) k += 1;
      differs = Math.max(differs, k);
    }
    const from = Math.max(LABEL_HEAD_WORDS, differs - LABEL_CONTEXT_WORDS);
    if (from >= words.length) return cut[i]!;
    const head = words.slice(0, LABEL_HEAD_WORDS).join(" ").replace(/[\s,;:]+$/, "");
    return cutLabel(`${head}… ${words.slice(from).join(" ")}`);
  });
}

const FACT_LABEL = { agency: "Nơi nộp", processingTime: "Thời hạn giải quyết", fee: "Lệ phí" } as const;
type Fact = keyof typeof FACT_LABEL;
const UNKNOWN = "chưa có thông tin";

/** The procedure's name first: a long answer never scrolls it away. */
const title = (p: ProcedureView) => `📄 ${p.name} (mã ${p.code})`;

/**
 * The procedure with its fee and time in the words citizens are told (`feeText`, `timeText`), for
 * showing them only: how it may be handed in (`submissionOf`) is read from the procedure as stored
 * (the portal's per-channel times say it may be done online; said once, they no longer would).
 */
function told(p: ProcedureView): ProcedureView {
  return { ...p, fee: p.fee === null ? null : feeText(p.fee), processingTime: p.processingTime === null ? null : timeText(p.processingTime) };
}

/** One fact in full (of a procedure `told`), or what the citizen is told when the source leaves it empty. */
function factLine(p: ProcedureView, field: Fact, icon: string): string {
  const value = p[field];
  return value === null ? `${icon} ${unknownText(p, field)}` : `${icon} ${FACT_LABEL[field]}: ${value}`;
}

/** The search's texts (written with "bạn") in the bot's voice, "ông/bà". */
const inBotVoice = (text: string): string => text.replace(/\b(B|b)ạn\b/gu, (_, b: string) => (b === "B" ? "Ông/bà" : "ông/bà"));

export const botText = {
  menuButton: "Menu",
  /** Under the 📮 line asked about, where the data says nothing of submitting online. */
  onlineUnknown:
    "💻 Nộp trực tuyến: thông tin của thủ tục chưa nêu có nộp trực tuyến được hay không; ông/bà có thể tìm thủ tục trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) hoặc hỏi bộ phận một cửa.",
  welcome:
    "Xin chào ông/bà! Đây là trợ lý thủ tục hành chính một cửa. Em có thể cho biết một thủ tục cần những giấy tờ gì, lệ phí, thời hạn, nơi nộp, và tra cứu tình trạng hồ sơ theo mã trên giấy tiếp nhận.\n" +
    'Ông/bà cứ gõ câu hỏi bằng lời của mình, ví dụ: "làm giấy khai sinh cho con cần gì", "xin giấy độc thân", "nhập hộ khẩu".',
  menu: "Ông/bà cần hỏi gì ạ?",
  thanks: "Dạ, không có gì ạ. Khi cần hỏi giấy tờ một thủ tục hay tra cứu hồ sơ, ông/bà cứ nhắn cho em.",
  ack: "Dạ. Ông/bà cần hỏi thêm gì cứ nhắn em ạ.",
  bye: "Dạ, chào ông/bà. Chúc ông/bà một ngày tốt lành!",
  menuButtons: [
    [{ label: "Giấy tờ cần chuẩn bị", data: "ask-docs" }],
    [{ label: "Tra cứu hồ sơ", data: "track" }],
    [{ label: "Thông báo của xã/phường", data: "area" }],
    [{ label: "Các thủ tục thường gặp", data: "common" }],
    [{ label: "Hướng dẫn", data: "help" }],
  ],
  askWhichProcedure: 'Ông/bà muốn làm thủ tục gì? Gõ tên hoặc mô tả, ví dụ "đăng ký kết hôn" hay "chứng thực bản sao".',
  common: "Một số thủ tục thường gặp ở xã, phường:",
  help:
    "Cách dùng:\n" +
    '• Gõ tên hoặc mô tả thủ tục (có dấu hay không dấu đều được), ví dụ "dang ky tam tru", "xin giấy xác nhận tình trạng hôn nhân".\n' +
    '• Sau khi xem một thủ tục, có thể hỏi tiếp: "lệ phí bao nhiêu?", "mấy ngày có kết quả?", "nộp ở đâu?", "gửi qua bưu điện được không?".\n' +
    "• Tra cứu hồ sơ: gửi mã hồ sơ trên giấy tiếp nhận, rồi 4 số cuối số điện thoại của người nộp.\n" +
    `• ${MENU_HINT}`,
  noMatch: (query: string) =>
    `Em chưa tìm thấy thủ tục cấp xã nào khớp với "${clip(query, 60, "…")}".\n` +
    "Ông/bà thử gõ tên thủ tục ngắn gọn hơn (ví dụ \"đăng ký khai sinh\", \"chứng thực chữ ký\"), hoặc liên hệ Trung tâm Phục vụ hành chính công của xã để được hướng dẫn. " +
    "Một số việc như hộ chiếu, giấy phép lái xe, ly hôn không làm tại xã nên em chưa có thông tin.",
  /** An aspect asked with no procedure under discussion, choices on screen: they are offered again. */
  aspectOfChoice: "Ông/bà chọn giúp em thủ tục muốn hỏi ở dưới, em sẽ trả lời đúng điều ông/bà hỏi cho thủ tục đó.",
  /** An aspect asked ("mất bao lâu", "lệ phí bao nhiêu") with no procedure under discussion. */
  aspectOfWhichProcedure: 'Ông/bà hỏi cho thủ tục nào ạ? Ông/bà gõ tên thủ tục hoặc mô tả việc cần làm (ví dụ "đăng ký kết hôn", "chứng thực bản sao"), em sẽ trả lời ngay.',
  severalMatches: "Có vài thủ tục gần với câu hỏi của ông/bà. Ông/bà muốn hỏi thủ tục nào?",
  oneMatch: "Em chưa chắc đã hiểu đúng. Có phải ông/bà muốn hỏi thủ tục này?",
  /**
   * The names offered, in full and in the buttons' order, after the question, when a button had to
   * shorten one: a phone shows only the labels, and long names often differ past the cut (joint
   * procedures that differ only by the cards they include). Unchanged when every label is whole.
   */
  withNamesInFull: (prompt: string, names: readonly string[]): string => {
    const labels = distinctLabels(names);
    if (labels.every((l, i) => l === names[i])) return prompt;
    return `${prompt}\n${names.map((n, i) => `${i + 1}. ${n}`).join("\n")}`;
  },
  notUnderstood: 'Em chưa hiểu ý ông/bà. Ông/bà có thể gõ tên thủ tục cần làm, hoặc gõ "menu" để xem các lựa chọn.',
  unsupported: (what: string) =>
    what === "sticker"
      ? "Cảm ơn ông/bà! Nếu cần hỏi thủ tục, ông/bà cứ gõ câu hỏi bằng chữ nhé."
      : what === "empty"
        ? "Tin nhắn trống. Ông/bà vui lòng gõ câu hỏi, ví dụ: làm giấy khai sinh cần gì."
        : "Em chưa đọc được hình ảnh, âm thanh hay tệp đính kèm. Ông/bà vui lòng gõ câu hỏi bằng chữ.",
  location: "Em đã nhận vị trí, cảm ơn ông/bà. Hiện em chưa dùng vị trí để tìm địa chỉ; khi cần chọn xã/phường, ông/bà vui lòng gõ tên xã/phường.",
  contactWithoutLookup: "Em đã nhận số điện thoại. Để tra cứu hồ sơ, ông/bà gửi mã hồ sơ trước, rồi chia sẻ số điện thoại để xác minh.",
  tooLong: (max: number) => `Tin nhắn dài quá ${max} ký tự. Ông/bà vui lòng hỏi ngắn gọn hơn, mỗi lần một việc.`,
  tooFast: "Ông/bà gửi nhiều tin quá nhanh. Vui lòng đợi một chút rồi hỏi tiếp ạ.",
  /** The web chat's per-address limit (429): a citizen reads it in the chat, so Vietnamese only. */
  webChatRateLimited: (seconds: number) => `Ông/bà gửi quá nhiều tin trong một phút. Vui lòng thử lại sau ${seconds} giây.`,
  somethingWentWrong: "Xin lỗi ông/bà, hệ thống đang gặp trục trặc. Ông/bà vui lòng thử lại sau ít phút.",
  procedureButton: (p: { code: string; name: string }) => ({ label: cutLabel(p.name), data: `proc:${p.code}` }),
  /** One button per procedure, one per row, each label telling its procedure apart from the others (`distinctLabels`). */
  procedureButtonRows: (ps: readonly { code: string; name: string }[]): Button[][] =>
    distinctLabels(ps.map((p) => p.name)).map((label, i) => [{ label, data: `proc:${ps[i]!.code}` }]),

  /**
   * The whole answer about a procedure: its name, a three-line summary (where; how long and how
   * much; by post or not), then the documents, the facts the summary shortened, and where it all
   * comes from. `warning` (a foreign element the procedure does not cover) goes right under the name.
   */
  documents(procedure: ProcedureView, warning?: string): string {
    const whole = botText.documentsAnswer(procedure, warning, null);
    if (whole.length <= LONG_ANSWER) return whole;
    // A list the length of a booklet (55 papers, some described in a page each) is read on a
    // phone: each paper's name and note are cut to their openings, and the answer says where the
    // whole list is.
    return botText.documentsAnswer(procedure, warning, NOTE_BRIEF);
  },
  /**
   * The answer about a procedure as an SMS carries it (a few segments; the SMS adapter strips the
   * marks and cuts the end with where the whole is read): the name, what else the question asked
   * (`asked`: where, how long, how much…), then the papers by name alone, each cut to its opening,
   * where it comes from, and the summary last — the fee, time and place stay one reply away as the SMS's choices.
   */
  documentsSms(procedure: ProcedureView, asked: readonly Exclude<Aspect, "docs">[], warning?: string): string {
    const p = told(procedure);
    const lines = [title(p), ...(warning ? [warning] : []), ...botText.aspectLines(procedure, asked)];
    if (p.documents.length === 0) lines.push(unknownText(p, "documents"));
    else {
      lines.push("Giấy tờ cần nộp:");
      let n = 0;
      for (const d of p.documents) if (!isDocumentHeading(d)) lines.push(`${(n += 1)}. ${cutNote(d.name, SMS_PAPER_NAME)}`);
    }
    if (p.toShow.length) lines.push(`Mang theo: ${p.toShow.map((s) => cutNote(s, SMS_PAPER_NAME)).join("; ")}`);
    lines.push(botText.source(p));
    const short = (field: Fact) => (p[field] === null ? UNKNOWN : summary(field, p[field]!));
    for (const [a, line] of [["where", `📍 Nơi nộp: ${short("agency")}`], ["time", `⏱ Thời hạn: ${short("processingTime")}`], ["fee", `💰 Lệ phí: ${short("fee")}`], ["postal", `📮 ${postalLine(procedure)}`]] as const) {
      if (!asked.includes(a)) lines.push(line);
    }
    return lines.join("\n");
  },
  /** `documents`, with each document's name and note whole (`noteLength` null) or cut to their openings. */
  documentsAnswer(procedure: ProcedureView, warning: string | undefined, noteLength: number | null): string {
    const p = told(procedure);
    let cut = false;
    // a paper's name keeps twice as much as a note: it says what the paper is
    const noted = (text: string, times = 1) => {
      const said = noteLength === null ? text : cutNote(text, noteLength * times);
      if (said !== text) cut = true;
      return said;
    };
    const short = (field: Fact) => (p[field] === null ? UNKNOWN : summary(field, p[field]!));
    const lines = [
      title(p),
      ...(warning ? [warning] : []),
      `📍 Nơi nộp: ${short("agency")}`,
      `⏱ Thời hạn: ${short("processingTime")} · 💰 Lệ phí: ${short("fee")}`,
      `📮 ${postalLine(procedure)}`,
      "",
    ];
    if (p.documents.length === 0) lines.push(unknownText(p, "documents"));
    else lines.push("Giấy tờ cần nộp:");
    // a heading of the list (src/catalog/source.ts) introduces the papers after it: not numbered
    let n = 0;
    for (const d of p.documents) {
      if (isDocumentHeading(d)) lines.push(`▸ ${noted(d.name, 2)}${d.note ? ` (${noted(d.note)})` : ""}`);
      else lines.push(`${(n += 1)}. ${noted(d.name, 2)}${copies(d.originals, d.copies)}${d.formNumber ? ` (mẫu: ${d.formNumber})` : ""}`);
      if (d.note && !isDocumentHeading(d)) lines.push(`   ${noted(d.note)}`);
    }
    if (p.toShow.length) {
      lines.push("", "Mang theo để xuất trình:");
      for (const s of p.toShow) lines.push(`• ${s}`);
    }
    const details = (["agency", "processingTime", "fee"] as const).filter((f) => p[f] === null || summary(f, p[f]!) !== p[f]!.trim());
    if (details.length) {
      lines.push("", "Chi tiết:");
      for (const f of details) lines.push(p[f] === null ? `• ${unknownText(p, f)}` : `• ${FACT_LABEL[f]}: ${p[f]}`);
    }
    if (cut) lines.push("", botText.notesCut(p));
    lines.push("", botText.source(p));
    return lines.join("\n");
  },
  /** Under a list whose notes were cut: where each paper's whole note is. */
  notesCut(p: ProcedureView): string {
    const page = p.sources.find((u) => /^https?:\/\//.test(u));
    return `✂️ Danh sách giấy tờ dài nên phần mô tả đã được rút gọn cho dễ đọc trên điện thoại (dấu "…"). ${page ? `Bản đầy đủ: ${page}` : "Bản đầy đủ: ông/bà vui lòng hỏi bộ phận một cửa."}`;
  },
  /** Where the answer comes from and how fresh it is; below high confidence, to confirm at the desk. */
  source(p: ProcedureView): string {
    const { statement, confirmAtDesk } = provenanceOf(p);
    return confirmAtDesk ? `${statement}\n${confirmAtDesk}` : statement;
  },
  /**
   * The answer to the aspects a question asked (fee, time, where, by post, through someone else,
   * whether one must be there, doing it late), each of them, under the name. `mobile`: the
   * procedure's mobile-registration counterpart, said where presence is asked.
   */
  aspects(procedure: ProcedureView, aspects: readonly Exclude<Aspect, "docs">[], warning?: string, mobile?: { name: string }): string {
    const p = told(procedure);
    return [title(p), ...(warning ? [warning] : []), ...botText.aspectLines(procedure, aspects, mobile), botText.source(p)].join("\n");
  },
  /** The lines answering each aspect asked, in order (`aspects` without the name and the source). */
  aspectLines(procedure: ProcedureView, aspects: readonly Exclude<Aspect, "docs">[], mobile?: { name: string }): string[] {
    const p = told(procedure);
    const lines: string[] = [];
    for (const a of aspects) {
      if (a === "where") lines.push(factLine(p, "agency", "📍"));
      else if (a === "time") lines.push(factLine(p, "processingTime", "⏱"));
      else if (a === "fee") lines.push(factLine(p, "fee", "💰"));
      else if (a === "amount") lines.push(...botText.amountLines(p));
      else if (a === "postal") {
        // "Nộp trực tiếp" alone would read as "not online", which the data does not say
        if (!aspects.includes("presence")) lines.push(`📮 ${postalLine(procedure)}`, ...(submissionOf(procedure).online === null ? [botText.onlineUnknown] : []));
      } else if (a === "presence") lines.push(...botText.presenceLines(procedure, mobile));
      else if (a === "penalty") lines.push(...botText.penaltyLines(p));
      else if (a === "validity") lines.push(...botText.validityLines(p));
      else lines.push(...botText.proxyLines(p));
    }
    return lines;
  },
  /**
   * Each fact of a procedure's data (`told`), labelled as the whole answer labels it: a paper with
   * its note, a paper to show, a note, where, how long, how much. A case of the procedure is
   * answered with those that speak of it (bots/features/documents.ts).
   */
  factsOf(procedure: ProcedureView): string[] {
    const p = told(procedure);
    return [
      ...p.documents.map((d) => `Giấy tờ cần nộp: ${d.name}${d.note ? ` — ${d.note}` : ""}`),
      ...p.toShow.map((t) => `Mang theo để xuất trình: ${t}`),
      ...p.notes,
      ...(["agency", "processingTime", "fee"] as const).flatMap((f) => (p[f] === null ? [] : [`${FACT_LABEL[f]}: ${p[f]}`])),
    ];
  },
  /**
   * A case of the procedure under discussion ("đã ly hôn"): what its data says where it speaks
   * of the case (`facts`, from `factsOf`), a procedure of the catalog made for the case where the
   * search finds one (`sibling`), and where to ask about the rest — never a rule the data does not
   * state. Then the aspects asked of it, and where it all comes from.
   */
  caseAnswer(procedure: ProcedureView, facts: readonly string[], sibling: { name: string } | undefined, aspects: readonly Exclude<Aspect, "docs">[]): string {
    const desk = "ông/bà vui lòng hỏi bộ phận một cửa (Trung tâm Phục vụ hành chính công) của xã/phường để được hướng dẫn đúng trường hợp của mình.";
    const lines = [title(procedure)];
    if (facts.length) {
      lines.push("🔎 Về trường hợp ông/bà nêu, dữ liệu của thủ tục này ghi:", ...facts.map((f) => `• ${f}`), `ℹ️ Ngoài điều trên, danh mục thủ tục không nói thêm về trường hợp này; ${desk}`);
    } else {
      lines.push(`🔎 Dữ liệu của thủ tục này không nói riêng về trường hợp ông/bà nêu; ${desk}`);
    }
    if (sibling) lines.push(`👉 Trường hợp này có thể là thủ tục riêng: "${sibling.name}" (nút bên dưới).`);
    lines.push(...botText.aspectLines(procedure, aspects), botText.source(told(procedure)));
    return lines.join("\n");
  },
  /**
   * Buttons under a procedure's answer: by post only where the procedure takes dossiers by post;
   * home pickup only where, besides, nothing in its data needs the citizen there (submission.ts).
   */
  procedureButtons(p: ProcedureView, extra: Button[][] = []): Button[][] {
    const byPost = submissionOf(p).byPost === true;
    return [
      ...extra,
      ...(homePickup(p) ? [[bookingText.collectButton(p.code)]] : []),
      [
        { label: "Lệ phí", data: "ask-fee" },
        { label: "Thời hạn", data: "ask-time" },
      ],
      [{ label: "Nơi nộp", data: "ask-where" }, ...(byPost ? [{ label: "Qua Bưu điện", data: "ask-postal" }] : [])],
      [
        { label: "Hỏi thủ tục khác", data: "ask-docs" },
        { label: "Menu", data: "menu" },
      ],
    ];
  },
  /** A question that mentions a foreign element, answered with a procedure that has none. */
  foreignWarning: (counterpart: { name: string }) =>
    "⚠️ Ông/bà có nhắc đến người nước ngoài: thủ tục dưới đây dành cho trường hợp không có yếu tố nước ngoài (giấy tờ, lệ phí, thời hạn có thể khác). " +
    `Trường hợp có yếu tố nước ngoài là thủ tục "${counterpart.name}" (nút bên dưới).`,
  /** Several variants of one procedure fit: the search's question, each variant a button. */
  /** The variants offered, each labelled by its variant (the other procedures after them by their names), labels told apart (`distinctLabels`). */
  choiceButtonRows: (rs: readonly { code: string; name: string; variant?: string }[]): Button[][] =>
    botText.procedureButtonRows(rs.map((r) => ({ code: r.code, name: r.variant ?? r.name }))),
  /**
   * What no commune's one-stop desk handles, and where to go (the search's data, in the bot's
   * voice). Not "not done at the commune": some of it is, elsewhere than the desk (the commune's
   * military command, police, health station).
   */
  outOfScope: (topic: string, whereToGo: string) =>
    `${topic} không giải quyết tại bộ phận một cửa của xã, phường nên em không có hướng dẫn thủ tục này.\nNơi làm: ${inBotVoice(whereToGo)}`,
  /**
   * The search's question between variants, in the bot's own voice ("ông/bà", not "bạn"); when other
   * procedures are offered with the variants (the question may be about none of them), it says
   * which buttons they are: one among the variants by its place ("nút thứ 3": the search may put
   * its best other procedure third), those after the last variant as the last button(s). `choices`
   * are the answer's results, in order (a variant has its label).
   */
  choicesPrompt: (prompt: string, choices: readonly { variant?: string }[] = []) => {
    const lastVariant = choices.findLastIndex((c) => c.variant);
    const among = choices.flatMap((c, i) => (!c.variant && i < lastVariant ? [`nút thứ ${i + 1}`] : []));
    const last = choices.length - 1 - lastVariant;
    const after = last > 1 ? ["các nút cuối"] : last === 1 ? ["nút cuối"] : [];
    const others = [...among, ...after];
    if (others.length === 0) return inBotVoice(prompt);
    const several = others.length > 1 || last > 1;
    return `${inBotVoice(prompt)}\nNếu không thuộc các trường hợp đó, ${others.length > 1 ? `${others.slice(0, -1).join(", ")} và ${others.at(-1)!}` : others[0]!} ${several ? "là những thủ tục khác" : "là một thủ tục khác"} gần với câu hỏi của ông/bà.`;
  },
  /** Said after answering the part of a question a commune handles, for the part it does not. */
  alsoOutOfScope: (topic: string, whereToGo: string) => `Về ${topic.replace(/^\p{Lu}(?=\p{Ll})/u, (c) => c.toLowerCase())} ông/bà có hỏi: việc này không giải quyết tại bộ phận một cửa của xã, phường nên em không có hướng dẫn thủ tục.\nNơi làm: ${inBotVoice(whereToGo)}`,
  /** Whether the citizen must go there (and who must), or can do it from home: online, by post, mobile registration, as the data says. */
  presenceLines(p: ProcedureView, mobile?: { name: string }): string[] {
    const s = submissionOf(p);
    const lines = [`📮 ${postalLine(p)}`, ...(s.online === null ? [botText.onlineUnknown] : [])];
    if (!s.presentAtIntake && s.inPerson.length === 0) {
      // online only: there is no way to choose, and no desk to hand the dossier in at
      lines.push(
        s.online === "only"
          ? "👥 Thủ tục này chỉ nộp trực tuyến nên ông/bà không phải đến nộp hồ sơ; danh mục thủ tục không nêu bước nào khác bắt buộc phải có mặt; nếu cần chắc chắn, ông/bà hỏi bộ phận một cửa."
          : "👥 Danh mục thủ tục không nêu bước nào bắt buộc người làm thủ tục phải có mặt, ngoài việc nộp hồ sơ và nhận kết quả theo cách đã chọn; nếu cần chắc chắn, ông/bà hỏi bộ phận một cửa.",
      );
    }
    if (mobile) {
      lines.push(`🚐 Cán bộ đến tận nơi để đăng ký (đăng ký lưu động) là một thủ tục riêng: "${mobile.name}" (nút bên dưới); ông/bà hỏi bộ phận một cửa xem trường hợp của mình có được đăng ký lưu động không.`);
    }
    return lines;
  },
  /**
   * How much the citizen receives (a benefit, an allowance): what the procedure's own data says of
   * an amount ("mức hỗ trợ …"), else that the catalog does not say and where to ask — never the
   * fee in its place ("Miễn phí" is what the citizen pays, not what they get).
   */
  amountLines(p: ProcedureView): string[] {
    const clauses = clausesSaying([p.fee, ...p.notes, ...p.toShow, ...p.documents.map((d) => d.note)], AMOUNT);
    return clauses.length
      ? ["💵 Về số tiền được nhận, dữ liệu của thủ tục nêu:", ...clauses]
      : ["💵 Số tiền được hỗ trợ, trợ cấp không có trong danh mục thủ tục; ông/bà vui lòng hỏi bộ phận một cửa (Trung tâm Phục vụ hành chính công) của xã/phường."];
  },
  /**
   * How long a paper stays valid: the clauses of the procedure's own data (`told`) that say it
   * (its result's, or a paper's to hand in), else that the catalog does not say and where to ask.
   */
  validityLines(p: ProcedureView): string[] {
    const clauses = clausesSaying([...p.notes, ...p.toShow, ...p.documents.flatMap((d) => [d.name, d.note])], VALIDITY);
    return clauses.length
      ? ["📅 Về thời hạn sử dụng của giấy tờ, dữ liệu của thủ tục nêu:", ...clauses]
      : ["📅 Thời hạn sử dụng của giấy tờ được cấp không có trong danh mục thủ tục; ông/bà vui lòng hỏi bộ phận một cửa (Trung tâm Phục vụ hành chính công) của xã/phường."];
  },
  /** Doing it late: what the procedure's own data (`told`) says of it (a late fee, a deadline), and where to ask about a fine it does not name. */
  penaltyLines(p: ProcedureView): string[] {
    const late = (t: string | null): t is string => t !== null && LATE.test(t);
    const facts = [
      ...(late(p.fee) ? [`Lệ phí: ${p.fee}`] : []),
      ...(late(p.processingTime) ? [`Thời hạn: ${p.processingTime}`] : []),
      ...[...p.notes, ...p.toShow, ...p.documents.map((d) => d.note)].filter(late),
    ];
    const lines = facts.length ? ["⏰ Về việc làm muộn, dữ liệu của thủ tục nêu:", ...[...new Set(facts)].map((f) => `• ${f}`)] : [];
    if (!facts.some((f) => /(?<!\p{L})phạt(?!\p{L})/iu.test(f))) {
      lines.push("⚖️ Việc xử phạt khi làm thủ tục muộn (nếu có) không có trong danh mục thủ tục; ông/bà vui lòng hỏi bộ phận một cửa (Trung tâm Phục vụ hành chính công) của xã/phường.");
    }
    return lines;
  },
  proxyLines(p: ProcedureView): string[] {
    const about = (t: string | null) => (t ?? "").toLowerCase();
    const mandate = p.documents.find((d) => /ủy quyền|uỷ quyền/.test(about(d.name)));
    const inPerson = p.toShow.filter((t) => /có mặt|trực tiếp/.test(about(t)));
    const lines = ["👥 Nhờ người khác làm thay:"];
    if (mandate) lines.push(`• Cần ${mandate.name.charAt(0).toLowerCase()}${mandate.name.slice(1)}${mandate.note ? `: ${mandate.note}` : "."}`);
    for (const t of inPerson) lines.push(`• Lưu ý: ${t}.`.replace(/\.\.$/, "."));
    if (!mandate && inPerson.length === 0) lines.push("• Danh mục thủ tục không nêu việc ủy quyền; ông/bà nên hỏi bộ phận một cửa trước khi nhờ người khác đi thay.");
    return lines;
  },
  householdBook:
    "Từ ngày 01/01/2023, sổ hộ khẩu và sổ tạm trú bằng giấy không còn được sử dụng (Luật Cư trú 2020). Cơ quan giải quyết tự tra cứu thông tin cư trú trong Cơ sở dữ liệu quốc gia về dân cư, nên ông/bà không phải nộp hay xuất trình sổ hộ khẩu; chỉ cần giấy tờ tùy thân (thẻ căn cước hoặc căn cước điện tử trên VNeID).",
};

const DATE = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });
const fmt = (d: Date) => DATE.format(d);

/** What the citizen should do next, per status. */
const NEXT_STEP: Record<string, string> = {
  REGISTERED: "Hồ sơ đăng ký trực tuyến đang chờ bộ phận một cửa tiếp nhận.",
  RECEIVED: "Hồ sơ đang được giải quyết; ông/bà chờ đến ngày hẹn trả kết quả.",
  PROCESSING: "Hồ sơ đang được giải quyết; ông/bà chờ đến ngày hẹn trả kết quả.",
  DELAYED: "Cơ quan đã hẹn lại ngày trả kết quả; ông/bà chờ đến ngày hẹn mới.",
  SUPPLEMENT_REQUIRED: "Ông/bà cần bổ sung giấy tờ theo hướng dẫn của bộ phận một cửa; thời hạn được tính lại khi nhận đủ.",
  PAYMENT_REQUIRED: "Ông/bà cần nộp phí, lệ phí (hoặc thuế) để được trả kết quả.",
  REFUSED: "Hồ sơ không được tiếp nhận; ông/bà liên hệ bộ phận một cửa để được hướng dẫn làm lại.",
  WITHDRAWN: "Hồ sơ đã được rút theo yêu cầu.",
  STOPPED: "Hồ sơ đã dừng xử lý; ông/bà liên hệ bộ phận một cửa nếu cần giải thích.",
  RESULT_READY: "Kết quả đã có: ông/bà mang giấy tiếp nhận hồ sơ đến nhận kết quả.",
  RETURNED: "Kết quả đã được trả. Hồ sơ đã hoàn tất.",
  POSTAL_COLLECTED: "Bưu điện đã nhận hồ sơ và sẽ chuyển đến bộ phận một cửa.",
  POSTAL_HANDED_TO_DESK: "Hồ sơ đã đến bộ phận một cửa và sẽ được giải quyết.",
  RESULT_HANDED_TO_POST: "Kết quả đang được Bưu điện chuyển đến ông/bà.",
  OUT_FOR_DELIVERY: "Bưu tá đang giao kết quả; ông/bà để ý điện thoại.",
  DELIVERED: "Kết quả đã được giao tận nơi. Hồ sơ đã hoàn tất.",
  DELIVERY_FAILED: "Bưu điện chưa giao được kết quả và sẽ liên hệ để hẹn lại.",
};


// A dossier sent by post is not necessarily returned by post: the citizen chooses each separately
// (Decision 45/2016) and the events do not say which, so the bot tells both ways, as the
// result-ready notice does (src/notifications/messages/vi.ts), and promises no delivery.
const POSTAL_RESULT =
  "Nếu ông/bà đã chọn nhận kết quả qua Bưu điện, Bưu điện sẽ chuyển phát kết quả đến địa chỉ đã đăng ký và bưu tá sẽ gọi trước khi giao; " +
  "nếu không, mời ông/bà đến nhận tại bộ phận một cửa nơi nộp hồ sơ, mang theo giấy tiếp nhận hồ sơ và giấy tờ tùy thân.";

export const trackingText = {
  /** What a subscription code confirms, said in the code's own message. */
  codeFor: (code: string, channel: "TELEGRAM" | "ZALO_OA" | "WEB") => `nhận thông báo hồ sơ ${code} qua ${channel === "TELEGRAM" ? "Telegram" : channel === "ZALO_OA" ? "Zalo" : "trang trò chuyện"}`,
  askCode: "Ông/bà vui lòng gửi mã hồ sơ in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả (ví dụ H15.50.05.13-261008-0975).",
  askCodeForQuestion:
    "Để xem hồ sơ đang ở bước nào, ông/bà gửi mã hồ sơ in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả (ví dụ H15.50.05.13-261008-0975), em sẽ hỏi thêm 4 số cuối số điện thoại của người nộp để xác minh.\n" +
    "Không còn giữ giấy tiếp nhận thì ông/bà liên hệ bộ phận một cửa nơi đã nộp hồ sơ.",
  askProof: (code: string) =>
    `Để bảo vệ thông tin cá nhân, ông/bà vui lòng nhập 4 số cuối số điện thoại của người nộp hồ sơ ${code}.`,
  askProofTelegram: "Hoặc bấm nút bên dưới để chia sẻ số điện thoại của chính ông/bà.",
  shareContactButton: { label: "📱 Chia sẻ số điện thoại", data: "share-contact" },
  notOwnContact: "Vui lòng chia sẻ số điện thoại của chính ông/bà (nút bên dưới), không phải danh bạ của người khác.",
  noMatch: "Mã hồ sơ hoặc 4 số cuối điện thoại chưa khớp. Ông/bà kiểm tra lại Giấy tiếp nhận hồ sơ rồi thử lại.",
  tooManyLookups: "Ông/bà đã tra cứu nhiều lần trong ít phút. Vui lòng thử lại sau 10 phút.",
  // The same words whether the code exists or not, and whoever made the wrong tries.
  locked:
    "Việc tra cứu đang tạm dừng vì đã có nhiều lần nhập sai, để bảo vệ thông tin hồ sơ. Ông/bà vui lòng thử lại sau 1 giờ, " +
    "hoặc mang giấy tờ tùy thân (CCCD) và giấy tiếp nhận hồ sơ đến bộ phận một cửa của xã/phường nơi nộp hồ sơ để được hỗ trợ.",
  subscribeButton: (code: string) => ({ label: "🔔 Nhận thông báo hồ sơ tại đây", data: `subscribe:${code}` }),
  subscribed: (code: string) => `Đã đăng ký. Khi hồ sơ ${code} có thay đổi, ông/bà sẽ nhận thông báo tại đây. Gõ "HUY" để ngừng nhận.`,
  subscribeNeedsProof: "Ông/bà cần tra cứu và xác minh hồ sơ trước khi đăng ký nhận thông báo.",
  status(
    d: {
      code: string;
      status: string;
      channel?: string;
      procedureName: string | null;
      receivedAt: Date | null;
      dueAt: Date | null;
      newDueAt: Date | null;
      timeline: { status: string; occurredAt: Date; note: string | null }[];
      apology: { reason: string | null; newDueAt: Date | null; previousDueAt: Date | null } | null;
      lateness: { state: string; workingDays: number | null; resultAt: Date | null; dueAt: Date | null };
    },
    labels: Record<string, string>,
  ): string {
    const lines = [`📁 Hồ sơ ${d.code}${d.procedureName ? ` — ${d.procedureName}` : ""}`, `Tình trạng: ${labels[d.status] ?? d.status}`];
    const due = d.newDueAt ?? d.dueAt;
    const l = d.lateness;
    const days = (n: number | null) => (n ? ` ${n} ngày làm việc` : "");
    if (d.receivedAt) lines.push(`Ngày tiếp nhận: ${fmt(d.receivedAt)}`);
    if (due) {
      const overdue = l.state === "OVERDUE" ? ` — đã quá hạn${days(l.workingDays)}${l.workingDays ? "" : " hẹn trả"}` : "";
      lines.push(`Ngày hẹn trả kết quả: ${fmt(due)}${d.newDueAt ? " (đã hẹn lại)" : ""}${overdue}`);
    }
    if (d.apology) {
      const previous = d.apology.previousDueAt ?? d.dueAt;
      const moved = d.apology.newDueAt ? `hẹn lại ngày trả kết quả là ${fmt(d.apology.newDueAt)}${previous ? ` (ngày hẹn cũ ${fmt(previous)})` : ""}` : "hẹn lại ngày trả kết quả";
      lines.push(`Cơ quan giải quyết đã xin lỗi và ${moved}.${d.apology.reason ? ` Lý do: ${d.apology.reason.replace(/[.\s]+$/, "")}.` : ""}`);
    }
    if (l.resultAt && l.dueAt) {
      const against = `so với ngày hẹn ${fmt(l.dueAt)}`;
      if (l.state === "LATE") lines.push(`Kết quả có ngày ${fmt(l.resultAt)}, trễ hạn${days(l.workingDays)} ${against}.`);
      else if (l.state === "EARLY") lines.push(`Kết quả có ngày ${fmt(l.resultAt)}, sớm hơn ${against}.`);
      else if (l.state === "ON_TIME") lines.push(`Kết quả có đúng ngày hẹn ${fmt(l.dueAt)}.`);
    }
    if (d.timeline.length) {
      lines.push("", "Các bước:");
      for (const e of d.timeline) lines.push(`• ${fmt(e.occurredAt)}: ${labels[e.status] ?? e.status}${e.note ? ` — ${e.note}` : ""}`);
    }
    const next =
      d.status === "RESULT_READY" && d.channel === "POSTAL"
        ? POSTAL_RESULT
        : l.state === "OVERDUE" && !["SUPPLEMENT_REQUIRED", "PAYMENT_REQUIRED"].includes(d.status)
          ? "Hồ sơ đã quá ngày hẹn mà chưa có kết quả; ông/bà có thể liên hệ bộ phận một cửa nơi nộp hồ sơ để hỏi lý do và ngày trả kết quả."
          : (NEXT_STEP[d.status] ?? "Ông/bà liên hệ bộ phận một cửa nếu cần hỗ trợ.");
    lines.push("", `Việc cần làm: ${next}`);
    return lines.join("\n");
  },
};

const CONFIRM_WHAT: Record<"book" | "cancel" | "subscribe", string> = {
  book: "đặt lịch",
  cancel: "hủy lịch",
  subscribe: "nhận thông báo hồ sơ tại đây",
};

const CODE_PHONE: Record<"applicant" | "given", string> = {
  applicant: "số điện thoại của người nộp hồ sơ",
  given: "số điện thoại ông/bà vừa nhập",
};
const CODE_CHANNEL: Record<"ZNS" | "SMS", string> = { ZNS: "Zalo", SMS: "tin nhắn SMS" };

export const confirmText = {
  /** `taken`: a provider took the code ("đã gửi"); otherwise it is still on its way ("đang gửi"). `via`: the channels that may carry it. */
  sent: (kind: "book" | "cancel" | "subscribe", to: "applicant" | "given", tail: string, via: ("ZNS" | "SMS")[], taken: boolean) =>
    `Để xác nhận ${CONFIRM_WHAT[kind]}, em ${taken ? "đã gửi" : "đang gửi"} mã xác nhận 6 số đến ${CODE_PHONE[to]}, đuôi …${tail} (qua ${via.map((c) => CODE_CHANNEL[c]).join(" hoặc ")})${taken ? "" : "; tin có thể đến chậm vài phút"}. ` +
    `Ông/bà vui lòng nhập mã đó vào đây${taken ? "" : " khi nhận được"}. Mã có hiệu lực 10 phút; nhập sai 3 lần thì mã bị hủy.`,
  /** No channel took the code (ZNS refused it and the phone stopped our SMS, say): the code is void. */
  notSent: (to: "applicant" | "given", tail: string) =>
    `Em chưa gửi được mã xác nhận đến ${CODE_PHONE[to]}, đuôi …${tail}: không kênh nào (Zalo, tin nhắn SMS) chuyển được tin đến số này. Việc này chưa được thực hiện. ` +
    "Ông/bà có thể thử lại sau, hoặc mang giấy tờ tùy thân (CCCD) đến bộ phận một cửa của xã/phường để được hỗ trợ.",
  askAgain: (tail: string) => `Ông/bà vui lòng nhập mã xác nhận 6 số đã gửi đến số điện thoại đuôi …${tail}, hoặc bấm "Hủy".`,
  wrong: (left: number) => `Mã xác nhận chưa đúng. Ông/bà còn ${left} lần nhập.`,
  void: "Mã xác nhận đã hết hiệu lực (đã nhập sai 3 lần, đã quá 10 phút hoặc đã được dùng). Việc này chưa được thực hiện; ông/bà có thể làm lại từ đầu.",
  tooMany:
    "Đã gửi nhiều mã xác nhận trong một giờ qua nên em tạm chưa gửi thêm. Ông/bà vui lòng thử lại sau, hoặc mang giấy tờ tùy thân (CCCD) đến bộ phận một cửa của xã/phường để được hỗ trợ.",
  noPhone: "Hồ sơ này không có số điện thoại di động để gửi mã xác nhận. Ông/bà vui lòng mang giấy tờ tùy thân (CCCD) đến bộ phận một cửa của xã/phường để được hỗ trợ.",
  smsStopped: (to: "applicant" | "given", tail: string) =>
    `Em chưa gửi được mã xác nhận: ${to === "applicant" ? "số điện thoại của người nộp hồ sơ" : "số điện thoại ông/bà vừa nhập"}, đuôi …${tail}, đã ngừng nhận tin nhắn SMS của dịch vụ (đã nhắn HUY hoặc STOP). Việc này chưa được thực hiện. ` +
    'Để nhận lại SMS, từ số điện thoại đó ông/bà nhắn "START" đến số đã gửi tin nhắn cho mình, rồi làm lại; hoặc mang giấy tờ tùy thân (CCCD) đến bộ phận một cửa của xã/phường để được hỗ trợ.',
  aborted: "Đã hủy, chưa có gì thay đổi. Ông/bà cần gì thêm cứ hỏi ạ.",
  resendButton: (data: string) => ({ label: "Gửi lại mã", data }),
  abortButton: { label: "Hủy", data: "confirm-abort" },
};

export const optOutText = {
  done: 'Đã ngừng gửi mọi thông báo tới ông/bà qua kênh này. Ông/bà vẫn có thể hỏi thủ tục bất cứ lúc nào; muốn nhận lại thông báo hồ sơ, hãy tra cứu hồ sơ và bấm "Nhận thông báo".',
  nothingOnWeb: "Trang trò chuyện trên web không gửi thông báo nên không có gì để hủy.",
};

/**
 * What only the SMS channel says, in its SMS form (without diacritics, GSM-7): the engine's other
 * answers are turned into it by the SMS adapter (toSmsText).
 */
export const smsText = {
  /** "HUY" by SMS: the phone's SMS opt-out, as Twilio's STOP (21610) records it. */
  optedOut: 'Da ngung gui thong bao ho so va thong bao cua xa/phuong qua SMS toi so nay. Ong/ba van co the nhan tin hoi thu tuc. Muon nhan lai thong bao qua SMS, nhan "BAT LAI".',
  /** "BAT LAI" / "START" by SMS: the phone's SMS opt-out lifted. */
  optedIn: 'Da bat lai thong bao qua SMS cho so nay. Nhan "HUY" de ngung bat cu luc nao.',
  /** Already receiving: nothing to lift. */
  notOptedOut: 'So nay van dang nhan thong bao qua SMS. Nhan "HUY" neu muon ngung.',
  /** The choices of a reply, numbered as the engine reads them back ("1", "2"…). */
  choices: (labels: string[]) => `Tra loi ${labels.map((l, i) => `${i + 1}: ${l}`).join(", ")}`,
  /** Said where a long answer was cut: where the whole is read. */
  cut: (chatUrl: string) => `(Tin da rut gon; xem day du tai ${chatUrl} hoac bo phan mot cua xa/phuong)`,
  /** The last reply of the hour once a phone's replies are spent (SMS_REPLIES_PER_HOUR). */
  limit: (chatUrl: string) =>
    `So nay da nhan nhieu tin tra loi trong 1 gio qua nen tam ngung tra loi qua SMS. Ong/ba nhan lai sau 1 gio, hoi tai ${chatUrl} hoac den bo phan mot cua xa/phuong. Nhan "HUY" van co hieu luc.`,
};

const money = (vnd: number) => `${vnd.toLocaleString("vi-VN")} đồng`;

export const bookingText = {
  /** What a booking code confirms, said in the code's own message. */
  codeFor: {
    delivery: (dossierCode: string, place: string) => `giao kết quả hồ sơ ${dossierCode}${place ? ` về ${place}` : ""}`,
    collection: (procedure: string, place: string) => `Bưu điện đến nhận hồ sơ${procedure ? ` ${procedure}` : ""}${place ? ` tại ${place}` : ""}`,
    cancel: (reference: string) => `hủy lịch ${reference}`,
  },
  offerButton: (code: string) => ({ label: "🏠 Nhận kết quả tại nhà", data: `book:${code}` }),
  collectButton: (procedureCode: string) => ({ label: "🏠 Bưu điện đến nhận hồ sơ tại nhà", data: `collect:${procedureCode}` }),
  askNameCollection: (procedure: string) => `Đặt Bưu điện đến nhận hồ sơ "${procedure}" tại nhà. Bước 1/5: họ và tên người nộp hồ sơ?`,
  collectionNotAllowed: "Thủ tục này chưa được xác nhận là nhận hồ sơ qua Bưu điện, nên chưa đặt được. Ông/bà vui lòng hỏi bộ phận một cửa.",
  /** Post allowed, but the procedure's data needs the citizen there (src/catalog/submission.ts). */
  collectionNeedsPresence: "Thủ tục này cần ông/bà đến trực tiếp (xem dòng 📮 của thủ tục), nên Bưu điện không đến nhận hồ sơ tại nhà. Ông/bà vui lòng hỏi bộ phận một cửa.",
  myBookingsButton: { label: "Lịch giao của tôi", data: "bookings" },
  needsTracking: "Để đặt Bưu điện giao kết quả tận nhà, ông/bà tra cứu hồ sơ trước (gửi mã hồ sơ, rồi 4 số cuối số điện thoại).",
  notAllowed: "Thủ tục của hồ sơ này chưa được xác nhận là trả kết quả qua Bưu điện, nên chưa đặt giao tận nhà được. Ông/bà vui lòng hỏi bộ phận một cửa.",
  /** Post allowed by the flag, but the procedure's data needs the citizen there to receive the result (src/catalog/submission.ts). */
  resultNeedsPresence: (steps: readonly string[]) =>
    `Kết quả của thủ tục này phải nhận trực tiếp (${steps.map((t) => t.charAt(0).toLowerCase() + t.slice(1)).join("; ")}), nên Bưu điện không giao kết quả tận nhà. ` +
    "Ông/bà vui lòng đến bộ phận một cửa nơi nộp hồ sơ để nhận, mang theo giấy tiếp nhận hồ sơ và giấy tờ tùy thân.",
  alreadyPostal: `Hồ sơ này nộp qua Bưu điện nên không cần đặt lịch ở đây. ${POSTAL_RESULT}`,
  finished: "Hồ sơ này đã trả kết quả hoặc đã kết thúc, không cần đặt giao nữa.",
  askWho:
    "Đặt Bưu điện giao kết quả tận nhà. Bước 1/5: ai sẽ nhận kết quả? Bưu tá chỉ trao kết quả khi xem giấy tờ tùy thân (CCCD) của người nhận: " +
    "người nộp hồ sơ (đúng tên trên hồ sơ), hoặc người được người nộp hồ sơ ủy quyền (có giấy ủy quyền).",
  whoButtons: [
    [{ label: "Người nộp hồ sơ nhận", data: "recipient:applicant" }],
    [{ label: "Người được ủy quyền nhận (có giấy ủy quyền)", data: "recipient:mandate" }],
  ],
  askName: "Bước 1/5: họ và tên người được ủy quyền nhận kết quả (đúng như trên CCCD và giấy ủy quyền)?",
  askPhone: "Bước 2/5: số điện thoại di động của người nhận (bưu tá sẽ gọi trước khi giao)?",
  askPhoneCollection: "Bước 2/5: số điện thoại di động của người nộp hồ sơ (mã xác nhận sẽ gửi đến số này; bưu tá gọi trước khi đến)?",
  badPhone: "Số điện thoại chưa đúng. Vui lòng nhập số di động Việt Nam, ví dụ 0912 345 678.",
  badName: "Vui lòng nhập họ tên người nhận (2 đến 100 ký tự).",
  askCommune: "Bước 3/5: nhận tại xã/phường nào? Gõ tên xã/phường (có dấu hay không đều được).",
  askCommuneCollection: "Bước 3/5: bưu tá đến lấy hồ sơ ở xã/phường nào? Gõ tên xã/phường (có dấu hay không đều được).",
  chooseCommune: "Có mấy xã/phường trùng tên, ông/bà chọn giúp:",
  noCommune: "Em không tìm thấy xã/phường có tên như vậy. Ông/bà gõ lại tên xã/phường (ví dụ \"Hồng Ngự\", \"phuong 1\").",
  askAddress: (commune: string) => `Bước 4/5: số nhà, đường, ấp/khóm ở ${commune}?`,
  askAddressCollection: (commune: string) => `Bước 4/5: bưu tá đến lấy hồ sơ ở số nhà, đường, ấp/khóm nào của ${commune}?`,
  badAddress: "Vui lòng ghi rõ số nhà, đường hoặc ấp/khóm (5 đến 200 ký tự).",
  askWindow: "Bước 5/5: ông/bà muốn nhận vào khung giờ nào?",
  askWindowCollection: "Bước 5/5: ông/bà muốn bưu tá đến lấy hồ sơ vào khung giờ nào?",
  pickWindow: "Ông/bà vui lòng chọn khung giờ bằng một trong các nút bên dưới: buổi sáng, buổi chiều, hoặc giờ nào cũng được.",
  windows: [
    [{ label: "Sáng (8:00–11:30)", data: "window:Sáng (8:00–11:30)" }],
    [{ label: "Chiều (13:30–17:00)", data: "window:Chiều (13:30–17:00)" }],
    [{ label: "Giờ nào cũng được", data: "window:Giờ nào cũng được (8:00–17:00)" }],
  ],
  summary: (d: { kind: string; dossierCode?: string; procedureName?: string; recipientIsApplicant?: boolean; recipientName?: string; recipientPhone: string; addressLine: string; communeName: string; timeWindow: string }, postage: number) =>
    [
      "Ông/bà kiểm tra lại thông tin:",
      d.kind === "DOSSIER_COLLECTION" ? `• Bưu điện đến lấy hồ sơ: ${d.procedureName ?? ""}` : `• Giao kết quả hồ sơ: ${d.dossierCode ?? ""}`,
      d.kind === "DOSSIER_COLLECTION"
        ? `• Người nộp: ${d.recipientName ?? ""}, ${d.recipientPhone}`
        : d.recipientIsApplicant === false
          ? `• Người nhận: ${d.recipientName ?? ""} (được ủy quyền), ${d.recipientPhone} — bưu tá chỉ trao kết quả khi xem CCCD của người này và giấy ủy quyền của người nộp hồ sơ`
          : `• Người nhận: người nộp hồ sơ (theo tên trên hồ sơ), ${d.recipientPhone} — bưu tá chỉ trao kết quả khi xem CCCD của người nộp hồ sơ`,
      `• ${d.kind === "DOSSIER_COLLECTION" ? "Đến lấy tại" : "Địa chỉ"}: ${d.addressLine}, ${d.communeName}`,
      `• Khung giờ${d.kind === "DOSSIER_COLLECTION" ? " bưu tá đến lấy" : ""}: ${d.timeWindow}`,
      `• Cước phí: ${money(postage)} (trả cho bưu tá khi nhận)`,
    ].join("\n"),
  confirmButtons: [[{ label: "✅ Xác nhận (gửi mã)", data: "book-confirm" }, { label: "Hủy", data: "book-abort" }]],
  bookedCollection: (ref: string) => `Đã đặt lịch. Mã lịch hẹn: ${ref}. Bưu tá sẽ gọi trước khi đến; ông/bà chuẩn bị sẵn hồ sơ theo danh sách giấy tờ và giấy tờ tùy thân để đối chiếu.`,
  booked: (ref: string, mandate: boolean) =>
    `Đã đặt lịch. Mã lịch hẹn: ${ref}. Bưu điện sẽ liên hệ khi kết quả sẵn sàng để giao. ` +
    (mandate ? "Bưu tá chỉ trao kết quả khi xem CCCD của người được ủy quyền và giấy ủy quyền của người nộp hồ sơ. " : "Bưu tá chỉ trao kết quả khi xem CCCD của người nộp hồ sơ. ") +
    `Ông/bà có thể xem hoặc hủy lịch (trước khi bưu tá nhận đi giao) bằng nút "Lịch giao của tôi".`,
  alreadyBooked: (ref: string, window: string) =>
    `Hồ sơ này đã có lịch giao kết quả (mã ${ref}, ${window}); không đặt thêm lịch mới. Ông/bà xem hoặc hủy lịch đó bằng nút "Lịch giao của tôi".`,
  aborted: "Đã hủy việc đặt lịch. Ông/bà cần gì thêm cứ hỏi ạ.",
  none: "Ông/bà chưa có lịch hẹn Bưu điện nào trong cuộc trò chuyện này (hoặc cho các hồ sơ đã tra cứu).",
  statusLabel: { REQUESTED: "đã đặt, chờ Bưu điện xác nhận", CONFIRMED: "Bưu điện đã xác nhận", DISPATCHED: "bưu tá đang giao", COMPLETED: "đã giao xong", FAILED: "giao không thành", CANCELLED: "đã hủy" } as Record<string, string>,
  list: (rows: { reference: string; status: string; timeWindow: string; what: string }[]) =>
    ["Lịch hẹn Bưu điện của ông/bà:", ...rows.map((r) => `• ${r.reference} — ${r.what} — ${bookingText.statusLabel[r.status] ?? r.status} — ${r.timeWindow}`)].join("\n"),
  cancelButton: (ref: string) => ({ label: `Hủy lịch ${ref}`, data: `cancel-booking:${ref}` }),
  cancelled: (ref: string) => `Đã hủy lịch hẹn ${ref}.`,
  tooLate: "Bưu tá đã nhận đi giao nên không hủy được nữa. Ông/bà vui lòng liên hệ Bưu điện.",
};

export const areaText = {
  webCannot: "Trang trò chuyện trên web không gửi được thông báo. Ông/bà nhắn cho Zalo OA hoặc Telegram của chúng tôi để đăng ký nhận thông báo của xã/phường.",
  smsCannot: "Tin nhắn SMS chỉ dùng để hỏi đáp, chưa đăng ký nhận thông báo của xã/phường được. Ông/bà nhắn cho Zalo OA hoặc Telegram của chúng tôi để đăng ký.",
  askCommune: "Ông/bà muốn nhận thông báo của xã/phường nào? Gõ tên xã/phường.",
  chooseCommune: "Có mấy xã/phường trùng tên, ông/bà chọn giúp:",
  noCommune: "Em không tìm thấy xã/phường có tên như vậy. Ông/bà gõ lại tên (ví dụ \"Tràm Chim\", \"phuong Hong Ngu\").",
  askHamlet: (commune: string) => `Ông/bà ở ấp/khóm nào của ${commune}? Gõ tên ấp/khóm để nhận cả thông báo riêng của ấp, hoặc bấm "Cả xã/phường".`,
  chooseHamlet: (commune: string, more: boolean) =>
    `Ông/bà ở ấp/khóm nào của ${commune}? Chọn ấp/khóm để nhận cả thông báo riêng của ấp, hoặc bấm "Cả xã/phường" để chỉ nhận thông báo chung.` +
    ` Không thấy ấp/khóm của mình${more ? " (danh sách chỉ hiện một phần)" : ""}: bấm "Ấp/khóm khác…" rồi gõ tên.`,
  typeHamlet: (commune: string) => `Ông/bà gõ tên ấp/khóm của mình ở ${commune} (ví dụ "Ấp 3", "Khóm Mỹ Long").`,
  hamletGone: "Ấp/khóm này không còn trong danh sách của xã/phường. Ông/bà chọn lại giúp:",
  tooManyProposals: "Ông/bà đã đề xuất nhiều ấp/khóm mới đang chờ xã/phường xác nhận, nên chưa thêm được tên này. Ông/bà chọn ấp/khóm trong danh sách hoặc bấm \"Cả xã/phường\" giúp:",
  sameNameHamlets: (commune: string) => `${commune} có mấy ấp/khóm tên gần giống nhau (chỉ khác dấu). Ông/bà chọn đúng ấp/khóm của mình giúp:`,
  wholeCommune: { label: "Cả xã/phường", data: "area-whole" },
  otherHamlet: { label: "Ấp/khóm khác…", data: "area-other" },
  hamletButton: (name: string, id: string) => ({ label: clip(name, 60), data: `area-hamlet:${id}` }),
  webPage: (commune: string, url: string) =>
    `Thông báo của ${commune} được đăng công khai tại: ${url}\nĐể nhận thông báo ngay trên điện thoại, ông/bà nhắn "đăng ký thông báo" cho Zalo OA hoặc Telegram của chúng tôi.`,
  done: (where: string) => `Đã đăng ký nhận thông báo của ${where}. Gõ "thông báo đã đăng ký" để xem hoặc hủy; gõ "HUY" để ngừng mọi thông báo.`,
  already: (where: string) => `Ông/bà đã đăng ký nhận thông báo của ${where} rồi.`,
  list: (rows: string[]) => (rows.length ? `Ông/bà đang nhận thông báo của:\n${rows.map((r) => `• ${r}`).join("\n")}` : "Ông/bà chưa đăng ký nhận thông báo của xã/phường nào."),
  cancelButton: (label: string, id: string) => ({ label: clip(`Hủy: ${label}`, 60), data: `unsub:${id}` }),
  cancelled: (label: string) => `Đã hủy nhận thông báo của ${label}.`,
  addButton: { label: "Đăng ký thêm", data: "area" },
};
