/**
 * Citizen vocabulary for the procedure search: how people actually ask, mapped to the
 * administrative terms that procedure names use. Everything here is written as general concepts
 * of Vietnamese civil-status / residence / certification / social-protection vocabulary, not as
 * copies of particular questions. Patterns are written with diacritics for readability; they are
 * matched without them (see patterns.ts for the syntax), so "cuoi", "cưới" and "cuới" all match.
 *
 * Rules are tried in order, and a token used by one rule ("claimed") is not seen by later rules:
 * more specific senses come first (e.g. "bảo hiểm xã hội" before "xã hội", "con nuôi" before
 * "nhận con", "mất bao nhiêu tiền" before "mất" = died).
 */
import type { WordClasses } from "./patterns.js";

/** Question filler and function words: never evidence for a procedure on their own. */
export const STOP_WORDS: readonly string[] = [
  // question words and particles
  "cần", "gì", "thế", "nào", "sao", "ở", "đâu", "bao", "nhiêu", "mấy", "không", "có", "được",
  "phải", "nên", "thì", "là", "mà", "và", "với", "của", "để", "cho", "nhé", "nha", "ạ", "à", "ơi",
  "vậy", "nhỉ", "hả", "chứ", "ai", "này", "đó", "kia", "ấy", "khi", "nếu", "cũng", "rồi", "đã",
  "mới", "vừa", "sắp", "sẽ", "bị", "muốn", "giúp", "nhờ", "xem", "biết", "ra", "vào", "về", "tới",
  "đến", "từ", "tại", "theo", "trong", "như", "hay", "hoặc", "vì", "bởi", "do", "thôi", "luôn",
  "lắm", "rất", "nữa", "những", "các", "mọi", "cái", "việc", "điều", "thể", "đi", "mang", "chuẩn",
  "hết", "lâu", "nay", "hôm", "giờ", "bây", "ngay", "sớm", "gấp", "bằng", "nhanh", "chưa", "đủ",
  "gồm", "kèm", "sau", "trước", "lúc", "nơi",
  // people who ask, and for whom
  "tôi", "tui", "mình", "em", "anh", "chị", "tao", "tớ", "con", "bé", "cháu", "ông", "bà", "cô",
  "chú", "bác", "dì", "cậu", "mợ", "thím", "vợ", "chồng", "đứa", "nhà", "bố", "mẹ", "cha", "má",
  // places that are not evidence (every procedure here is at the commune)
  "xã", "phường", "thị", "trấn", "huyện", "quận", "tỉnh", "thành", "phố", "ấp", "khóm", "thôn",
  // spoken abbreviations
  "ko", "k", "kh", "hok", "hông", "j", "dc", "đc", "ntn", "bn", "vs", "ak", "ah", "nhe", "oi",
];

/**
 * Words (and word pairs) that occur in many procedure names and say nothing about which
 * procedure is meant: a match on them alone is never a match.
 */
export const GENERIC_TERMS: readonly string[] = [
  // single words (a pair of two of them is generic too; a pair with one is a weak "junction")
  "giấy", "tờ", "đăng", "ký", "xin", "làm", "xác", "bản", "người", "thẻ", "năm", "tuổi", "tháng",
  "ngày", "dân", "điều", "chỉnh", "hưởng", "văn",
  // word pairs
  "giấy tờ", "đăng ký", "xác nhận", "thủ tục", "hồ sơ", "tờ khai", "văn bản", "thông tin",
  "thực hiện", "đề nghị", "chứng nhận", "giấy chứng", "giấy xác", "cấp giấy", "làm giấy",
  "xin giấy", "cơ quan", "điều chỉnh", "thôi hưởng", "cấp lại", "ủy quyền", "cấp thẻ", "làm thẻ",
  "xin cấp", "đăng ký lại", "giấy đề", "cấp bản", "được cấp", "cấp đổi", "gia đình", "hộ gia đình",
  "cá nhân", "tổ chức",
];

/**
 * Abbreviations and chat spellings replaced in the token stream before anything else. Keys are
 * single tokens as typed (without marks).
 */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  dk: "đăng ký", dki: "đăng ký", dky: "đăng ký", dangky: "đăng ký",
  gks: "giấy khai sinh", gkh: "giấy kết hôn", gxn: "giấy xác nhận",
  hk: "hộ khẩu", shk: "sổ hộ khẩu",
  cmnd: "chứng minh nhân dân", cmt: "chứng minh thư", cccd: "căn cước công dân",
  bhyt: "bảo hiểm y tế", bhxh: "bảo hiểm xã hội",
  gplx: "giấy phép lái xe", gpkd: "giấy phép kinh doanh", gpxd: "giấy phép xây dựng",
  hkd: "hộ kinh doanh", ubnd: "ủy ban nhân dân", ub: "ủy ban",
  ng: "người", nguoi: "người", tt: "thủ tục", ktx: "ký túc xá",
};

/** Word classes that patterns refer to as @NAME. Members are phrases. */
export const WORD_CLASSES: WordClasses = {
  PERSON: [
    "bố", "mẹ", "cha", "ba", "má", "tía", "ông", "bà", "ông nội", "bà nội", "ông ngoại", "bà ngoại",
    "vợ", "chồng", "con", "anh", "chị", "em", "cháu", "cụ", "chú", "bác", "cô", "dì", "cậu", "mợ",
    "thím", "dượng", "người thân", "người nhà", "người", "ông bà", "bố mẹ", "cha mẹ", "ba má",
    "bố chồng", "mẹ chồng", "bố vợ", "mẹ vợ", "ông cụ", "bà cụ", "anh trai", "em trai", "chị gái",
    "em gái", "bạn",
  ],
  /** papers a citizen may want copied and certified */
  DOC: [
    "giấy tờ", "bằng", "bằng cấp", "văn bằng", "bằng tốt nghiệp", "bằng đại học", "bằng cao đẳng",
    "học bạ", "bảng điểm", "chứng chỉ", "giấy khai sinh", "khai sinh", "sổ hộ khẩu", "hộ khẩu",
    "căn cước", "căn cước công dân", "thẻ căn cước", "chứng minh nhân dân", "chứng minh thư",
    "hộ chiếu", "sổ đỏ", "sổ hồng", "giấy chứng nhận", "giấy đăng ký xe", "cà vẹt", "bằng lái",
    "bằng lái xe", "giấy phép lái xe", "giấy kết hôn", "giấy chứng nhận kết hôn", "giấy chứng tử",
    "thẻ bảo hiểm", "thẻ bảo hiểm y tế", "sổ bảo hiểm", "giấy ra viện", "bệnh án", "tài liệu",
    "giấy tờ tùy thân", "giấy tờ nhà", "giấy tờ đất", "giấy", "sổ", "thẻ", "bản gốc", "bản chính",
  ],
  /** things that get lost or destroyed */
  LOSABLE: [
    "giấy tờ", "giấy khai sinh", "khai sinh", "bản chính", "bản gốc", "sổ gốc", "sổ hộ tịch",
    "giấy", "sổ", "giấy kết hôn", "giấy chứng nhận kết hôn", "hồ sơ", "sổ hộ khẩu",
  ],
  /** personal details recorded in civil-status papers */
  PERSONAL: [
    "tên", "họ", "họ tên", "tên đệm", "chữ đệm", "tên lót", "ngày sinh", "năm sinh", "tháng sinh",
    "ngày tháng năm sinh", "nơi sinh", "quê quán", "quê", "dân tộc", "quốc tịch", "giới tính",
    "tên cha", "tên mẹ", "tên bố",
  ],
  OLD_AGE: Array.from({ length: 51 }, (_, i) => String(60 + i)),
};

/**
 * Words introducing a purpose ("xin giấy độc thân để làm hồ sơ kết hôn"): what follows says
 * what the paper is for, not which procedure is asked about, and counts for less, provided the
 * question already named something before it ("cần gì để đăng ký kết hôn" is about kết hôn).
 */
export const PURPOSE_MARKERS: readonly string[] = ["để", "nhằm", "phục vụ", "dùng cho", "dùng để", "mục đích"];

export interface LexiconRule {
  /** patterns, any of which triggers the rule */
  when: readonly string[];
  /** canonical phrases (in catalog vocabulary) added to the text */
  add?: readonly string[];
  /** weight of the added phrases relative to words typed by the citizen (default 1) */
  weight?: number;
  /** remove the matched words from the text (they were filler, or are replaced by `add`) */
  drop?: boolean;
  /** the text is about something no procedure in the catalog covers */
  outOfScope?: string;
  /**
   * the out-of-catalog topic is what the text is about even when a procedure's name is matched
   * in full (otherwise a full match outweighs the topic: "đăng ký kết hôn sau khi ly hôn")
   */
  overridesMatch?: boolean;
  /** the text is not about a person at all: no procedure applies */
  veto?: string;
  /**
   * the words only say who the citizen is asking for ("người già", "mồ côi"), not what they ask:
   * such evidence alone does not outweigh an out-of-catalog topic ("làm căn cước cho người già")
   */
  describesPerson?: boolean;
}

const ID_CARD = "(làm|cấp|xin|đăng ký)? (thẻ)? căn cước (công dân)?";
const CHILD = "(con|bé|cháu|trẻ|trẻ em|em bé|đứa bé|con nhỏ|bé con)";
const UNDER_SIX =
  "((dưới|chưa đủ|chưa tới|chưa đến) (6|sáu) tuổi|(1|2|3|4|5|một|hai|ba|bốn|năm) tuổi|* tháng (tuổi)?|mới sinh|sơ sinh|mới đẻ|vừa sinh|mới chào đời)";

const DEATH_VERB = "(mất|chết|qua đời|từ trần|tạ thế|hy sinh|khuất|mất rồi)";

export const RULES: readonly LexiconRule[] = [
  {
    // an ID card for a child under 6 is issued with the birth registration (the joint procedure);
    // older children and adults get theirs from the police, outside this catalog
    when: [
      `[${ID_CARD}] (cho)? ${CHILD}? (nhà)? (tôi|em|mình)? (mới|được)? ${UNDER_SIX}`,
      `${CHILD}? (nhà)? (tôi|em|mình)? (mới|được)? ${UNDER_SIX} (thì)? (có)? (phải|được|cần)? [${ID_CARD}]`,
    ],
    add: ["liên thông cấp thẻ căn cước cho trẻ em dưới 6 tuổi"],
    weight: 0.9,
    drop: true,
  },
  // ── filler and word senses that must be settled first ──────────────────────────────────────
  {
    // "mất bao nhiêu tiền", "hết mấy ngày": cost and time, not loss or death
    when: [
      "(mất|hết|tốn|lệ phí|phí) (khoảng)? (bao nhiêu|bao lâu|mấy|nhiêu|bn|tiền|phí|thời gian|nhiều|lâu|bao) (tiền|ngày|tuần|tháng|thời gian|lâu)?",
      "(lệ phí|chi phí|phí) (là)? (bao nhiêu|bn|thế nào|ra sao|mấy)",
    ],
    drop: true,
  },
  {
    when: [
      "thủ tục", "(như)? thế nào", "ra sao", "làm sao", "làm thế nào", "bao nhiêu", "bao lâu",
      "(có)? được không", "(có)? phải không", "hay không", "(những)? (giấy tờ|hồ sơ)? gì",
      "(ủy ban|uỷ ban|ủy ban nhân dân) (xã|phường|thị trấn)?", "(bộ phận)? một cửa",
      "(trung tâm)? (phục vụ)? hành chính công", "(ở|tại|lên|ra) (xã|phường)",
      "chuẩn bị", "mang theo", "như vậy", "bây giờ", "hiện nay", "hiện tại",
      // greetings and thanks around a question
      "xin chào", "chào (bạn|anh|chị|em|ad|admin|cô|chú|bác|các bạn)", "(cảm ơn|cám ơn) (bạn|anh|chị|em|nhiều)?",
      "hello", "alo", "=dạ", "=vâng",
    ],
    drop: true,
  },
  {
    // an old person with no pension: the social pension (before "lương hưu" is set aside below)
    when: ["[(không|chưa|ko) (có|được)? (hưởng|lĩnh|nhận)? lương hưu]"],
    add: ["trợ cấp hưu trí xã hội"],
    weight: 0.85,
  },
  {
    // things that share words with catalog procedures but are different services
    when: ["lý lịch tư pháp", "phiếu lý lịch"],
    drop: true,
    outOfScope: "lý lịch tư pháp",
  },
  {
    when: [
      "(giấy phép|hợp đồng|quan hệ|tranh chấp) lao động", "(trình báo|báo) (mất|thất lạc)", "(trình báo|báo) công an",
    ],
    drop: true,
    outOfScope: "lao động, công an",
  },
  {
    when: [
      "(giấy phép|bằng|giấy) lái (xe)? (máy|ô tô)?", "lái xe", "thi (bằng|sát hạch)", "sát hạch",
      "(giấy phép|cấp phép|phép) xây (dựng)?", "xây (dựng|nhà|sửa)", "sửa (chữa)? nhà",
    ],
    drop: true,
    outOfScope: "giấy phép lái xe, xây dựng",
  },
  {
    when: [
      "(rút|đóng|chốt|gộp)? (sổ)? bảo hiểm (xã hội|thất nghiệp) (một lần|1 lần)?", "(rút|lĩnh|nhận)? lương hưu",
      "(mua|gia hạn|đóng|cấp lại|cấp đổi|đổi|làm lại) (thẻ)? bảo hiểm y tế (hộ gia đình)?",
      "(chế độ)? (thai sản|ốm đau|tai nạn lao động)", "(trợ cấp|bảo hiểm|tiền)? thất nghiệp",
    ],
    drop: true,
    outOfScope: "bảo hiểm xã hội, bảo hiểm y tế",
  },
  {
    when: ["(nhận|xin) (làm)? con nuôi", "con nuôi", "nhận nuôi", "nuôi con nuôi"],
    drop: true,
    outOfScope: "nuôi con nuôi",
  },
  {
    when: ["thừa kế", "(phân chia|khai nhận|chia) (di sản|tài sản|đất)", "di sản"],
    drop: true,
    outOfScope: "thừa kế",
  },
  {
    // taxes; unmarked "thue" is also "thuê" (to rent): only in unambiguous phrases. Early, so that
    // "thuế nhà" is not read as "thuê nhà" (renting) below
    when: ["=thuế", "(nộp|đóng|đóng tiền|mã số|quyết toán) thuế", "hóa đơn", "hoá đơn", "quyết toán"],
    drop: true,
    outOfScope: "thuế",
  },
  {
    // going abroad to work: its "khẩu" is not the household register
    when: ["xuất khẩu lao động", "đi xuất khẩu", "nhập khẩu (hàng|hàng hóa|hàng hoá)", "xuất nhập khẩu"],
    drop: true,
  },

  {
    // land titles ("sổ hồng" is not a "sổ" that got "hỏng")
    when: [
      "sổ (đỏ|hồng)", "bìa (đỏ|hồng)", "giấy chứng nhận quyền sử dụng đất (lần đầu)?",
      "sang tên (sổ|đất|nhà|nhà đất)?", "tách thửa", "chuyển mục đích (sử dụng đất)?", "đo đạc",
      "thửa đất", "địa chính", "tranh chấp (đất|đất đai)?", "đất đai", "cấp đất",
    ],
    drop: true,
    outOfScope: "đất đai",
  },
  // ── certification ──────────────────────────────────────────────────────────────────────────
  {
    // "công chứng bằng đại học", "photo công chứng CCCD": a copy certified against the original
    when: [
      "(công chứng|chứng thực|sao y|photo|phô tô|photocopy|pho to|sao chụp) (lại)? (bản sao|bản chính|bản photo|bản chụp|bản)? (các|mấy|những|cái|tờ|quyển|cuốn)? @DOC",
      "(bản sao|bản photo|bản chụp|bản phô tô) (có)? (công chứng|chứng thực|sao y)",
      "(công chứng|chứng thực) (bản sao|bản photo|bản chụp|bản phô tô|giấy tờ|bản chính)",
      "photo công chứng", "sao y (bản chính)?", "(bản)? sao y",
    ],
    add: ["chứng thực bản sao"],
    drop: true,
  },
  {
    when: [
      "[(chữ ký|chữ kí|ký tên|kí tên|điểm chỉ|lăn tay|vân tay)]",
      "[(chứng thực|công chứng|xác nhận) (giấy|bản|tờ)? (ủy quyền|cam kết|cam đoan|sơ yếu lý lịch|lý lịch|đơn|tờ khai)]",
      "[sơ yếu lý lịch]",
    ],
    add: ["chứng thực chữ ký"],
    weight: 0.8,
  },
  {
    when: [
      "[(mua bán|chuyển nhượng|tặng cho|cho tặng|thế chấp|góp vốn|đặt cọc|sang nhượng|trao đổi) (nhà|đất|nhà đất|quyền sử dụng đất|tài sản|xe|nhà ở|căn hộ|mảnh đất|lô đất|thửa đất|ruộng|vườn)]",
      "[(mua bán|chuyển nhượng|tặng cho|cho tặng|thế chấp|sang nhượng)]",
    ],
    add: ["hợp đồng"],
    weight: 0.8,
  },
  {
    when: [
      "[(di chúc|chúc thư|di ngôn)]",
      "[để lại (tài sản|nhà|đất|nhà đất|gia tài|của cải|nhà cửa|ruộng|vườn|tiền)]",
      "[(chia|cho) (tài sản|nhà đất|gia tài|của cải) (sau khi|khi) (chết|mất|qua đời)]",
    ],
    add: ["di chúc"],
    weight: 0.8,
  },
  {
    // at the commune, "công chứng" (notarisation) is "chứng thực" (certification)
    when: ["[(công chứng)] (hợp đồng|di chúc|chữ ký|chữ kí|giao dịch|văn bản|giấy ủy quyền|giấy uỷ quyền)"],
    add: ["chứng thực"],
    weight: 0.9,
  },
  {
    // "công chứng" with no object: most often a copy certified against its original
    when: ["[công chứng]"],
    add: ["chứng thực bản sao"],
    weight: 0.7,
  },
  {
    // an extract from the civil-status register ("bản sao giấy khai sinh" is issued, not certified)
    when: [
      "[(trích lục|sao lục)]",
      "[bản sao (giấy)? (đăng ký|chứng nhận)? (khai sinh|khai tử|kết hôn|chứng tử|hôn thú)]",
      "[(bản sao|sao|trích) (từ)? sổ (gốc|hộ tịch|bộ)]",
      "[(cấp lại|xin lại|xin cấp lại|làm lại|xin cấp|cấp) bản sao]",
    ],
    add: ["trích lục hộ tịch"],
    weight: 0.9,
  },

  // ── civil status ───────────────────────────────────────────────────────────────────────────
  {
    // chat shorthand that only means a civil-status act next to the right word ("ks" is also
    // "khách sạn", "kh" also "không")
    when: ["(đăng ký|làm|giấy|xin|trích lục|bản sao) [ks]", "[ks] (cho|của) (con|bé|cháu|em bé|trẻ)"],
    add: ["khai sinh"],
    weight: 0.9,
    drop: true,
  },
  {
    when: ["(đăng ký|giấy|làm giấy) [kh]"],
    add: ["kết hôn"],
    weight: 0.9,
    drop: true,
  },
  {
    when: ["(đăng ký|giấy|làm giấy) [kt]"],
    add: ["khai tử"],
    weight: 0.9,
    drop: true,
  },
  {
    // lost or destroyed papers (before "mất" = died)
    when: [
      "[(bị|làm|đánh)? (mất|thất lạc|làm rơi|rơi mất)] @LOSABLE",
      "@LOSABLE (bản chính|bản gốc|gốc|cũ|bản cũ)? (cũng|đều|đã|bị|lỡ)? (cũng|đều|đã|bị)? [(mất|thất lạc|cháy|rách|hỏng|hư|hư hỏng|mục|nát|ướt|không còn|bị mất|bị cháy|bị rách|bị hỏng|mất hết)]",
      "[thất lạc]",
    ],
    add: ["thất lạc"],
    weight: 0.8,
    drop: true,
  },
  {
    when: [
      `@PERSON (tôi|mình|em|nhà tôi|nhà mình|của tôi|của em|tui)? (đã|mới|vừa|bị|đột ngột|vừa mới)? [${DEATH_VERB}]`,
      "[(qua đời|từ trần|tạ thế|hy sinh|đã khuất|người chết|người đã chết|giấy chứng tử|chứng tử|báo tử|giấy báo tử)]",
      "[(người|đã|mới|vừa) (mất|chết)]",
      "[chết]",
    ],
    add: ["khai tử"],
    weight: 0.85,
    drop: true,
  },
  {
    // establishing who the father / mother of a child is (adoption was set aside above)
    when: [
      "[(nhận|xác nhận|công nhận) (lại)? (cha|bố|ba|mẹ|má|tía) (đẻ|ruột)? (cho)? (con)?]",
      "[(nhận|xác nhận|công nhận) (lại)? (con|đứa con) (đẻ|ruột|riêng)?]",
      "[(con|có con|đẻ con|sinh con)? ngoài giá thú]",
      "[(thêm|bổ sung|ghi|ghi thêm|điền|có|không có|thiếu) (tên)? (cha|bố|ba|tía) (vào|trong|trên)?]",
      "[(tên|họ tên) (cha|bố|ba)]",
      "[(xét nghiệm)? (adn|dna|adn huyết thống)]", "[(cha|bố|ba|mẹ|con) (đẻ|ruột)]",
      "[(nhận|công nhận) * (*)? (*)? là (con|cha|bố|mẹ) (đẻ|ruột)?]",
    ],
    add: ["nhận cha mẹ con"],
    weight: 0.9,
    drop: true,
  },
  {
    when: [
      "[(độc thân|tình trạng hôn nhân gia đình|chưa có gia đình)]",
      "[chưa (có)? (vợ|chồng|lập gia đình|kết hôn lần nào)]",
      "[(giấy|xác nhận|chứng nhận) (là)? (chưa|còn) (kết hôn|cưới|đăng ký kết hôn|độc thân|có vợ|có chồng)]",
    ],
    add: ["xác nhận tình trạng hôn nhân"],
    weight: 0.9,
    drop: true,
  },
  {
    when: [
      "[(cưới|lấy vợ|lấy chồng|cưới vợ|cưới chồng|lập gia đình|thành hôn|hôn thú|thành vợ chồng|đám cưới|cưới xin|kết duyên|về chung một nhà|lấy nhau|cưới nhau)]",
    ],
    add: ["kết hôn"],
    weight: 0.85,
    drop: true,
  },
  {
    // correcting or changing recorded personal details
    when: [
      "[(sửa|sửa lại|sửa đổi|chỉnh sửa|đính chính|điều chỉnh|thay đổi|đổi|ghi lại|chỉnh) (lại)? (sai)? @PERSONAL]",
      "@PERSONAL (trên|trong|ở)? (giấy|giấy khai sinh|khai sinh|hộ tịch|căn cước|giấy tờ)? (bị|đã)? [(ghi|viết|in|đánh)? (sai|nhầm|không đúng|sai sót|lệch|không khớp|khác nhau)]",
      "[(ghi|viết|in|đánh|khai) (sai|nhầm)]",
      "[(sửa|sửa lại|đính chính|chỉnh sửa|điều chỉnh) (lại)?] (giấy|thông tin|nội dung)? (khai sinh|hộ tịch|kết hôn|giấy tờ hộ tịch)",
      "[(theo|lấy|mang|sang) họ (mẹ|cha|bố|ba|má)]",
      "[(đổi|chuyển) dân tộc]",
      "[(sửa|sửa lại|chỉnh sửa) (cho)? (đúng|lại)?]",
    ],
    add: ["cải chính hộ tịch"],
    weight: 0.9,
    drop: true,
  },
  {
    when: ["[(đỡ đầu|người đỡ đầu|trông nom|người trông nom)]"],
    add: ["giám hộ"],
    weight: 0.9,
    drop: true,
  },
  {
    // a birth to register
    when: [
      "[(=đẻ|sinh con|sinh em bé|sinh bé|mới sinh|vừa sinh|sơ sinh|chào đời|ra đời|sinh ra|giấy chứng sinh|chứng sinh|sinh nở|sanh|sanh con|mẹ tròn con vuông)]",
      // unmarked "de" is mostly "để": "đẻ" only where the context says so
      "[(mới|vừa|sắp|đã|mẹ|vợ|con) (mới|vừa)? đẻ]", "[đẻ (con|em bé|bé|xong|được)]",
    ],
    add: ["khai sinh"],
    weight: 0.75,
    drop: true,
  },
  {
    // several registrations done together for a newborn
    when: [
      "[(3 trong 1|ba trong một|3 in 1|cùng lúc|cùng một lúc|đồng thời|một thể|gộp)]",
      "(làm|đăng ký|xin|giải quyết|nộp|xong) (tất cả|hết|cả)? [(một lần|1 lần|một lúc|1 lúc)]",
    ],
    add: ["liên thông"],
    weight: 0.7,
    drop: true,
  },

  // ── residence ──────────────────────────────────────────────────────────────────────────────
  {
    when: [
      "[tách (ra)? (hộ|khẩu|hộ khẩu|sổ|sổ hộ khẩu|hộ riêng)]",
      "[(ra|ở) riêng]",
      "[(lập|làm|đứng tên) (hộ|chủ hộ|sổ) (mới|riêng)]",
    ],
    add: ["tách hộ"],
    weight: 0.9,
    drop: true,
  },
  {
    when: [
      "[(xóa|xoá|cắt|rút|gạch) (tên)? (khỏi|trong|ra khỏi)? (sổ)? (hộ khẩu|khẩu|thường trú|đăng ký thường trú)]",
    ],
    add: ["xóa đăng ký thường trú"],
    weight: 0.9,
    drop: true,
  },
  {
    when: [
      "[(ct07|ct 07|ct7|ct08)]",
      "[(giấy)? (xác nhận|chứng nhận) (thông tin)? (về)? (nơi|chỗ)? (cư trú|thường trú|tạm trú|địa chỉ|ở|nơi ở|chỗ ở|hộ khẩu|đang ở)]",
    ],
    add: ["xác nhận thông tin cư trú"],
    weight: 0.9,
    drop: true,
  },
  {
    when: [
      "[(vắng nhà|xa nhà|xa quê|vắng mặt ở địa phương|vắng mặt tại địa phương|rời địa phương)]",
      "[(đi|vắng) (làm ăn|làm|công tác|học|lao động)? xa (nhà|quê)?]",
    ],
    add: ["tạm vắng"],
    weight: 0.75,
    drop: true,
  },
  {
    when: ["[(hết hạn|sắp hết hạn|hết thời hạn|kéo dài thời hạn|quá thời hạn)]"],
    add: ["gia hạn"],
    weight: 0.8,
    drop: true,
  },
  {
    when: [
      "[(kt3|kt4|kt 3|kt 4)]",
      "[(thuê|ở|nhà|phòng|khu|xóm) (nhà)? (trọ|trọ học)]",
      "[(ở nhờ|ở tạm|thuê nhà|thuê phòng|ký túc xá|thuê trọ|nhà thuê|phòng thuê|lưu trú)]",
    ],
    add: ["tạm trú"],
    weight: 0.75,
    drop: true,
  },
  {
    when: [
      "[(kt1|kt2|kt 1|kt 2)]",
      "[(nhập|vào|chuyển|đăng ký|làm|xin|cấp|nhập lại|đưa) (về|vào|sang)? (hộ khẩu|khẩu|sổ hộ khẩu|sổ khẩu)]",
      "[(hộ khẩu|sổ hộ khẩu|sổ khẩu)]",
    ],
    add: ["đăng ký thường trú"],
    weight: 0.85,
    drop: true,
  },

  // ── social protection ──────────────────────────────────────────────────────────────────────
  {
    when: [
      "[tiền (già|người già|dưỡng lão|tuổi già)]",
      "[(trợ cấp|hỗ trợ|tiền|chế độ|lương) (cho|của)? (người)? (già|cao tuổi|tuổi già|lớn tuổi)]",
    ],
    add: ["trợ cấp hưu trí xã hội"],
    weight: 0.85,
    drop: true,
  },
  {
    // who: an old person (the benefit is the social pension)
    when: [
      "[(người|cụ|các cụ|cụ già|người già) (già|cao tuổi|lớn tuổi)]", "[người già]", "[cụ già]",
      "[(trên|từ|đủ|hơn|ngoài|tròn)? @OLD_AGE tuổi]",
    ],
    add: ["trợ cấp hưu trí xã hội"],
    weight: 0.85,
    drop: true,
    describesPerson: true,
  },
  {
    when: [
      "[(trợ cấp|hỗ trợ|tiền|trợ giúp) (hằng tháng|hàng tháng|mỗi tháng)]",
      "[(trợ cấp|tiền|chế độ|hỗ trợ|trợ giúp) (cho|của)? (người|trẻ|trẻ em|con|em)?] (bị)? (khuyết tật|tàn tật)",
    ],
    add: ["trợ cấp xã hội hằng tháng"],
    weight: 0.8,
    drop: true,
  },
  {
    // who the citizen is asking for: the monthly allowance unless the text asks for something else
    // ("tiền ma chay cho người bảo trợ xã hội" is the funeral support)
    when: ["[(đối tượng|người|diện)? bảo trợ (xã hội)?]"],
    add: ["trợ cấp xã hội hằng tháng"],
    weight: 0.6,
    drop: true,
    describesPerson: true,
  },
  {
    // who: people the monthly social allowance is for
    when: ["[(neo đơn|không nơi nương tựa|mồ côi|đơn thân|nuôi con một mình)]", "[(nhiễm)? hiv]"],
    add: ["trợ cấp xã hội hằng tháng"],
    weight: 0.8,
    drop: true,
    describesPerson: true,
  },
  {
    when: [
      "[(giấy|giấy xác nhận|xác nhận|xác định|giám định|đánh giá|khám|chứng nhận) (lại)? (mức độ)? (khuyết tật|tàn tật)]",
    ],
    add: ["xác nhận khuyết tật"],
    weight: 0.9,
  },
  {
    // (marked words only where the plain spelling is another word: "cảm" / "câm", "liệt kê")
    when: ["[(tàn tật|khiếm thị|khiếm thính|=mù|=điếc|=câm|bại liệt|=liệt|tâm thần|thiểu năng|down|tự kỷ|tật nguyền)]"],
    add: ["khuyết tật"],
    weight: 0.7,
    drop: true,
    describesPerson: true,
  },
  {
    when: [
      "[(chôn cất|an táng|hỏa táng|hoả táng|đám tang|đám ma|tang lễ|ma chay|hậu sự|lo hậu sự|tiền tang|tiền chôn|làm ma|tiền ma chay)]",
    ],
    add: ["hỗ trợ chi phí mai táng"],
    weight: 0.9,
    drop: true,
  },
  {
    when: ["[(cận nghèo|thoát nghèo|thoát cận nghèo|sổ nghèo|sổ hộ nghèo|nghèo)]"],
    add: ["hộ nghèo"],
    weight: 0.8,
  },

  // ── household business ─────────────────────────────────────────────────────────────────────
  {
    when: [
      "[(buôn bán|bán hàng|bán buôn|bán lẻ|tạp hóa|tạp hoá|hộ cá thể|cá thể|tiểu thương)]",
      "[mở (một)? (quán|tiệm|cửa hàng|cửa hiệu|shop|sạp|quầy|xưởng|cơ sở|nhà hàng|hàng ăn|lò|tiệm tạp hóa|quán ăn|quán nước|quán cà phê|tiệm vàng)]",
      "[(quán|tiệm) (ăn|nước|cà phê|cafe|tạp hóa|sửa xe|cắt tóc|may|net|bánh|vàng|thuốc|nhậu|phở|bún|cơm|internet|điện thoại)]",
      "[(bán|buôn) (hàng|đồ ăn|nước|cà phê|tạp hóa|online|quần áo)]",
    ],
    add: ["đăng ký hộ kinh doanh"],
    weight: 0.85,
    drop: true,
  },

  // ── outside the catalog ────────────────────────────────────────────────────────────────────
  {
    when: ["hộ chiếu", "passport", "visa", "thị thực", "xuất cảnh", "nhập cảnh", "xuất nhập cảnh"],
    drop: true,
    outOfScope: "hộ chiếu, thị thực",
  },
  {
    when: [
      "(thẻ)? căn cước (công dân)? (gắn chip|điện tử|định danh)?", "chứng minh (nhân dân|thư)",
      "định danh (điện tử)? (mức 2|mức hai)?", "vneid", "gắn chip",
    ],
    drop: true,
    outOfScope: "căn cước",
  },
  {
    when: [
      "xe (máy|ô tô|hơi|điện|tải|đạp)?", "ô tô", "biển số", "cà vẹt", "đăng kiểm",
      "(sang tên|bấm biển|đăng ký) xe",
    ],
    drop: true,
    outOfScope: "phương tiện",
  },
  {
    when: ["ly hôn", "ly dị", "tòa án", "toà án", "khởi kiện", "kiện tụng", "đi kiện", "bản án"],
    drop: true,
    outOfScope: "tòa án",
  },
  {
    when: [
      "facebook", "zalo", "tiktok", "email", "gmail", "mật khẩu", "tài khoản", "sim", "số điện thoại",
      "wifi", "internet", "mạng xã hội",
    ],
    drop: true,
    outOfScope: "tài khoản, mạng",
    // "đổi tên tài khoản zalo" is about the account, however well "đổi tên" matches
    overridesMatch: true,
  },
  {
    when: ["nghĩa vụ quân sự", "đi lính", "nhập ngũ", "quân sự", "khám tuyển"],
    drop: true,
    outOfScope: "quân sự",
  },
  {
    when: [
      "thời tiết", "trời (có)? (mưa|nắng|lạnh|nóng|rét|bão)", "=mưa", "=nắng", "nhiệt độ", "=bão",
      "giá (vàng|xăng|đô|điện|lúa|heo)", "tỷ giá", "bóng đá", "xổ số", "tin tức",
    ],
    drop: true,
    outOfScope: "ngoài thủ tục hành chính",
    overridesMatch: true,
  },
];

/**
 * Beings and things that cannot be the subject of a civil-status or residence procedure.
 * A question about them gets no procedure ("khai sinh cho chó"). Words written "=..." count only
 * when typed with their marks, since without them they are other words ("cho" = for).
 */
export const NON_HUMAN_RULE: LexiconRule = {
  when: [
    "=chó", "=mèo", "=lợn", "=heo", "=gà", "=vịt", "=ngan", "=ngỗng", "=bò", "=trâu", "=dê", "=ngựa",
    "=chim", "=khỉ", "=thỏ", "=rùa", "=chuột", "=rắn", "=voi", "=gấu", "=cún",
    "chó mèo", "con mèo", "thú cưng", "vật nuôi", "thú nuôi", "gia súc", "gia cầm", "búp bê",
    "robot", "gấu bông", "pet",
    // typed without marks, "cho cho" can only be "cho chó" (for a dog)
    "cho cho",
  ],
  drop: true,
  veto: "không phải người",
};
