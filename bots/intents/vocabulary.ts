/**
 * The bot's vocabulary of intents, in one table: what a citizen's words mean to each feature.
 * Phrases are written as citizens write them, with their marks; they are matched on the
 * accent-aware tokens of the catalog search (bots/intents/match.ts): unmarked typing matches by
 * the syllables alone, marked typing must agree in tone ("hộ" ≠ "hồ"), and a phrase never matches
 * a part of a compound word (COMPOUNDS, or the words of the procedure being discussed).
 */
import type { Alternatives, IntentSpec } from "./match.js";

/**
 * Words of two or more syllables that are units of their own: a phrase of an intent cannot match
 * a piece of one ("làm hộ" is not in "làm hồ sơ", "làm hộ khẩu"; "phí" is not in "mai táng phí",
 * nor "giá" in "gia đình" typed without marks;
 * the fee's "mất bao nhiêu" is not in the time's "mất bao nhiêu ngày").
 */
export const COMPOUNDS: readonly string[] = [
  "hồ sơ",
  "hộ khẩu",
  "hộ tịch",
  "hộ kinh doanh",
  "hộ gia đình",
  "hộ nghèo",
  "hộ cận nghèo",
  "hộ cá thể",
  "chủ hộ",
  "tách hộ",
  "giám hộ",
  "hộ chiếu",
  "bảo hộ",
  "mai táng phí",
  "học phí",
  "viện phí",
  // words holding a fee's syllable typed without marks ("gia dinh" is not "giá", "phi nong nghiep"
  // not "phí", "lan dau tien" not "tiền")
  "gia đình",
  "tham gia",
  "quốc gia",
  "gia hạn",
  "gia cầm",
  "gia súc",
  "gia tăng",
  "gia nhập",
  "gia công",
  "phi nông nghiệp",
  "tiến độ",
  "đầu tiên",
  "ưu tiên",
  "thuận tiện",
  "phương tiện",
  "bao nhiêu ngày",
  "bao nhiêu lâu",
  "bao nhiêu tuổi",
  "bao nhiêu bản",
  "châu phi",
  "tiền tàu xe",
  // the fee's "mất tiền" typed without marks is not the presence's "có mặt" ("co mat tien k")
  "mất tiền",
  "mất phí",
  // the fee's "giá" is not in "giá trị" (how long a paper is valid: "có giá trị bao lâu")
  "giá trị",
];

/** Words of politeness around thanks and goodbyes ("cảm ơn em nhiều nhé"). */
const POLITE: Alternatives = ["em", "bạn", "nhiều", "nhé", "nhá", "nha", "ạ", "ad", "admin", "lắm", "rất nhiều", "bot", "trợ lý"];
/** Words closing the questions before thanks or after them ("thôi không hỏi nữa", "vậy là đủ rồi"). */
const CLOSING: Alternatives = ["thôi", "không hỏi nữa", "hết rồi", "đủ rồi", "vậy là đủ", "thế thôi", "vậy thôi", "hiểu rồi", "rõ rồi", "được rồi", "tôi hiểu rồi", "em hiểu rồi"];
/** Words that may open an acknowledgement ("dạ vâng cảm ơn"). */
const OPENERS: Alternatives = ["dạ", "vâng", "ok", "oke", "okay", "uh", "ừ", "à", "vậy", "thế", "thì"];

/** Who asks to stop the notices, and how ("cho tôi", "em muốn", "làm ơn"). */
const ASKER: Alternatives = ["tôi", "tui", "em", "mình", "anh", "chị", "cho", "cho tôi", "xin", "muốn", "vui lòng", "làm ơn", "dạ", "ad", "admin", "ơi", "bạn", "thôi"];
/** What is sent to a chat: notices, messages. */
const NOTICES: Alternatives = ["thông báo", "tin nhắn", "tin", "thông báo hồ sơ", "mọi thông báo", "tất cả thông báo", "các thông báo"];
/** Words after a request to stop ("… nữa nhé", "… giúp tôi"). */
const AFTER: Alternatives = ["nữa", "ạ", "nhé", "nha", "giúp", "giùm", "dùm", "với", "tôi", "em", "mình", "cho tôi", "cho em", "cho mình", "đi", "luôn", "này", "đó", "qua đây", "ở đây", "tại đây"];

/** "Where is my dossier?" words, after "hồ sơ" or "đã nộp". */
const STATUS: Alternatives = [
  "đến đâu", "tới đâu", "đâu rồi", "thế nào rồi", "ra sao rồi", "sao rồi", "xong chưa", "đã xong chưa", "có kết quả chưa", "có chưa",
  "được chưa", "duyệt chưa", "giải quyết chưa", "xử lý chưa", "bao giờ xong", "khi nào xong", "bao giờ có kết quả", "khi nào có kết quả",
  "bao giờ trả", "khi nào trả", "bao giờ lấy được", "khi nào lấy được", "chưa thấy gì", "chưa thấy kết quả", "chưa có kết quả",
  "chưa nhận được", "quá hạn",
];

/** Countries a spouse, parent or child may be from ("chồng Hàn Quốc", "lấy người Trung Quốc"). */
const COUNTRIES: Alternatives = [
  "Hàn Quốc", "Trung Quốc", "Đài Loan", "Hồng Kông", "Nhật Bản", "Hoa Kỳ", "Campuchia", "Cam pu chia", "Thái Lan", "Singapore", "Malaysia",
  "Philippines", "Indonesia", "Ấn Độ", "Canada", "Hà Lan", "Ba Lan", "Đài Bắc",
];
/** Short names of peoples, which are also given names ("anh Đức", "chị Mỹ"): only after "người", "chồng", "vợ". */
const PEOPLES: Alternatives = ["Hàn", "Nhật", "Mỹ", "Úc", "Pháp", "Đức", "Nga", "Lào", "Tây", "Anh quốc"];
/**
 * Names of countries as places, after a verb of living there (settled, living, working in): not the short names
 * that also begin Vietnamese place names ("Mỹ Tho", "Đức Hòa", "Lào Cai", "Nga Sơn"), which count
 * after "nước" only.
 */
const PLACES: Alternatives = ["Úc", "nước Úc", "nước Mỹ", "nước Pháp", "nước Đức", "nước Nga", "nước Nhật", "nước Anh", "Anh quốc", "Mỹ quốc", "Thụy Điển", "Na Uy", "Đan Mạch", "Phần Lan", "Thụy Sĩ", "New Zealand", "châu Âu"];
/** Verbs of living somewhere. */
const LIVING: Alternatives = [
  "định cư",
  "sinh sống",
  "sống",
  "làm việc",
  "lao động",
  "du học",
];
/** Who may go instead of the citizen (not the pronouns a citizen uses for themself: "em", "anh", "chị"). */
const KIN: Alternatives = [
  "con trai", "con gái", "con dâu", "con rể", "cháu", "vợ", "chồng", "bố", "mẹ", "ba", "má", "cha", "ông nội", "bà nội", "ông ngoại", "bà ngoại",
  "anh trai", "chị gái", "em trai", "em gái", "anh rể", "chị dâu", "hàng xóm", "người quen", "bạn bè", "người làm", "trưởng ấp", "trưởng thôn",
];
/** Going to hand in, declare or collect. */
const GOING: Alternatives = ["đi", "nộp", "làm", "khai", "nhận", "lấy", "ký", "đi nộp", "đi làm", "đi khai", "đi nhận", "đi lấy", "đến", "lên"];
/** Asking whether it will do. */
const WILL_DO: Alternatives = ["được không", "được ko", "được k", "được hông", "được hok", "được chứ", "được à", "được hả", "có được không", "được không ạ", "cũng được", "dc không", "dc ko", "dc k", "đc không", "đc ko", "đc k"];
const RELATIVES: Alternatives = ["chồng", "vợ", "người yêu", "bạn trai", "bạn gái", "con", "cha", "mẹ", "bố", "người", "với", "vs"];

/**
 * A procedure's aspects a question may ask about, each answered (several in one question: each of
 * them): the documents, where, how long, how much, by post or online, through someone else, whether
 * one must go there in person (or can do it from home), what happens when it is done late, and how
 * long a paper stays valid.
 */
export type Aspect = "docs" | "where" | "time" | "fee" | "amount" | "postal" | "proxy" | "presence" | "penalty" | "validity";
export const ASPECTS: readonly Aspect[] = ["docs", "where", "time", "fee", "amount", "postal", "proxy", "presence", "penalty", "validity"];

export const INTENTS = {
  /** The whole message is a greeting or asks for the menu. */
  greeting: [
    { at: "whole", slots: [["start", "menu", "bắt đầu", "xin chào", "chào", "hello", "hi", "alo", "a lô"], { optional: ["bạn", "em", "ad", "admin", "bot", "ak", "ạ", "anh", "chị"] }] },
    // asking who answers ("em là ai thế"): the greeting says what the assistant is and can do
    { at: "whole", slots: [{ optional: ["bạn", "em", "ad", "admin", "bot", "đây"] }, ["là ai", "tên gì", "tên là gì"], { many: ["vậy", "thế", "ạ", "đấy", "nhỉ", "hả"] }] },
  ],
  help: [{ at: "whole", slots: [["help", "hướng dẫn", "trợ giúp", "giúp", "giúp đỡ", "giúp tôi", "cách dùng"]] }],
  thanks: [{ at: "whole", slots: [{ many: OPENERS }, { many: CLOSING }, ["cảm ơn", "cám ơn", "camon", "cm ơn", "thanks", "thank", "thank you", "tks", "thx", "ty"], { many: POLITE }, { many: CLOSING }] }],
  ack: [
    {
      at: "whole",
      slots: [
        [
          "ok", "oke", "okay", "okie", "ok ok", "vâng", "dạ", "dạ vâng", "vâng ạ", "dạ ạ", "uh", "ừ", "um", "uhm", "được rồi", "rõ rồi", "hiểu rồi",
          "đã hiểu", "tôi hiểu rồi", "ok em", "ok ạ", "ok bạn", "tốt quá", "hay quá", "tuyệt", "thôi không hỏi nữa", "không hỏi nữa",
        ],
      ],
    },
  ],
  bye: [{ at: "whole", slots: [{ many: ["dạ", "vâng", "ok", "thôi"] }, ["tạm biệt", "bye", "bye bye", "goodbye", "hẹn gặp lại", "chào nhé", "chào em nhé"], { many: POLITE }] }],
  /** A staff member's Telegram link command, followed by its code ("/lienket 12345678", "liên kết 12345678"). */
  staffLink: [{ at: "start", slots: [["lienket", "liên kết"]] }],
  /**
   * Opting out of every notice ("HUY", "STOP", /stop), or saying so in words: "ngừng nhận thông
   * báo", "tôi không muốn nhận tin nhắn nữa", "đừng gửi thông báo nữa ạ". Not a complaint that none
   * came ("tôi không nhận được thông báo"), nor one place's announcements ("hủy thông báo của xã":
   * `announcementsList`, where each is cancelled on its own).
   */
  stop: [
    { at: "whole", slots: [["stop", "hủy", "hủy đăng ký", "ngừng", "ngừng nhận", "từ chối"]] },
    { at: "whole", slots: [{ many: ASKER }, ["ngừng", "dừng", "hủy", "tắt", "thôi", "bỏ"], { optional: ["nhận", "gửi", "đăng ký", "đăng ký nhận", "theo dõi"] }, NOTICES, { many: AFTER }] },
    { at: "whole", slots: [{ many: ASKER }, ["không muốn nhận", "không cần nhận", "ko muốn nhận", "k muốn nhận", "đừng gửi", "thôi gửi"], NOTICES, { many: AFTER }] },
    { at: "whole", slots: [{ many: ASKER }, ["không nhận", "ko nhận", "k nhận"], NOTICES, ["nữa"], { many: AFTER }] },
  ],

  /** Notices by SMS again, after a "HUY" by SMS ("BAT LAI", "START": Twilio's own opt-in word). */
  resume: [
    { at: "whole", slots: [["start", "unstop"]] },
    { at: "whole", slots: [{ many: ASKER }, ["bật lại", "mở lại", "nhận lại"], { optional: NOTICES }, { many: AFTER }] },
  ],

  /** Announcements: subscribing, and listing the subscriptions. */
  announcementsWanted: [
    { slots: [["nhận thông báo"], { optional: ["của"] }, ["xã", "phường", "ấp", "khóm"]] },
    // the commune's announcements asked for by name alone ("thông báo của xã", "xem thông báo phường")
    { at: "whole", slots: [{ optional: ["xem", "đọc", "có"] }, ["thông báo", "các thông báo", "tin"], { optional: ["mới"] }, { optional: ["của"] }, ["xã", "phường", "xã phường", "ấp", "khóm"], { many: ["ạ", "ơi", "nhé", "với", "không", "gì", "mới"] }] },
    { slots: [["đăng ký"], { optional: ["nhận"] }, ["thông báo"]] },
    "theo dõi thông báo",
  ],
  announcementsList: [
    "thông báo đã đăng ký",
    "đang nhận thông báo",
    "xem đăng ký",
    // stopping one place's announcements ("hủy nhận thông báo của xã"): the list, each with its own cancel button
    { slots: [["ngừng", "dừng", "hủy", "tắt", "thôi", "bỏ", "không muốn", "không nhận", "đừng gửi"], "…", ["thông báo"], { optional: ["của"] }, ["xã", "phường", "ấp", "khóm"]] },
  ],

  /** "Where is my dossier?" asked without a code. */
  tracking: [
    { at: "start", slots: [["tra cứu", "kiểm tra", "theo dõi", "check", "xem"], { optional: ["lại"] }, { optional: ["tình trạng", "tiến độ", "trạng thái", "kết quả"] }, { optional: ["của"] }, ["hồ sơ"]] },
    { at: "start", slots: [["tình trạng", "tiến độ", "trạng thái"], { optional: ["của"] }, ["hồ sơ"]] },
    { slots: [["hồ sơ"], "…", STATUS] },
    { slots: [["đã nộp", "nộp rồi", "nộp từ", "nộp hôm", "nộp tuần", "nộp tháng", "nộp giấy", "gửi hồ sơ", "nộp ở"], "…", STATUS] },
  ],
  /** Words that say digits beside a dossier code are the proof ("sđt đuôi 5678", "4 số cuối 5678"), not a year or a count. */
  phoneWords: ["đuôi", "số cuối", "sđt", "sdt", "đt", "điện thoại", "số điện thoại", "4 số", "bốn số"],
  /** Questions about a procedure itself ("what to bring", "how long") are not look-ups. */
  procedureQuestion: [
    "cần gì", "cần những gì", "gồm gì", "gồm những gì", "những giấy tờ", "giấy tờ gì", "thành phần", "chuẩn bị", "mẫu đơn", "tờ khai", "lệ phí",
    "bao nhiêu tiền", "mất bao lâu", "mấy ngày", "bao nhiêu ngày", "thủ tục",
  ],

  /**
   * Words that make a message a question ("bao nhiêu", "ở đâu", "được không"): with an aspect's
   * words, a question typed where a booking waits for a name or an address, not the answer to it.
   */
  asking: [
    "bao nhiêu", "bao lâu", "mấy ngày", "ở đâu", "gì", "thế nào", "như thế nào", "được không", "phải không",
    // a particle that ends a question ("… không", "… thì sao ạ"), not "không" inside an address ("không có số nhà")
    { at: "whole", slots: ["…", ["không", "ko", "hông", "chưa", "hả", "sao", "đâu"], { many: ["ạ", "em", "ad", "vậy", "thế", "nhỉ", "nhé"] }] },
  ],

  /** Having a result delivered home (a booking). */
  delivery: ["giao tận nhà", "trả về nhà", "gửi về nhà", "gửi kết quả về", "ship", "nhận tại nhà", "nhận kết quả tại nhà", "giao kết quả", "chuyển phát", "đặt bưu điện", "giao về"],

  /** The paper household book (abolished on 1 January 2023), and asking whether it is needed, or how to replace a lost one. */
  householdBook: ["sổ hộ khẩu", "sổ tạm trú", "hộ khẩu giấy"],
  asksIfNeeded: [
    "cần", "có cần", "phải", "mang", "nộp", "xuất trình", "photo", "bản sao", "còn dùng", "còn giá trị", "còn cần", "bị bỏ", "còn sử dụng",
    "mất", "thất lạc", "làm lại", "cấp lại", "xin lại", "bị rách",
  ],

  /** A foreign element: a foreigner, a foreign country, a Vietnamese abroad. */
  foreign: [
    "nước ngoài", "ngoại quốc", "việt kiều", "quốc tịch nước ngoài", "yếu tố nước ngoài", "ngoại kiều", "con lai", "lai tây",
    { slots: [RELATIVES, { optional: ["người", "là người", "quốc tịch"] }, COUNTRIES] },
    { slots: [["chồng", "vợ", "người", "chồng là người", "vợ là người", "với người", "vs người"], PEOPLES] },
    // living abroad: settled, living, working or studying in a foreign country
    { slots: [LIVING, { optional: ["ở", "tại", "bên", "sang"] }, [...COUNTRIES, ...PLACES]] },
  ],

  /**
   * A case of the procedure under discussion, said as a condition ("nếu" … "chưa kết hôn", "còn
   * trường hợp" … "ly hôn"): the words that open it. The case runs to "thì" (`caseEnd`), or to the
   * end of the message.
   */
  condition: [
    {
      at: "start",
      slots: [
        { many: ["dạ", "vâng", "thế", "vậy", "còn", "mà", "nhưng", "cho hỏi", "em ơi"] },
        ["nếu", "nếu như", "nhỡ", "nhỡ như", "lỡ", "lỡ như", "giả sử", "trường hợp", "trong trường hợp", "nếu trường hợp"],
      ],
    },
  ],
  /** A condition opened inside a message, after a question (not "trường hợp" alone there: "trường hợp này" is a noun). */
  conditionInside: ["nếu", "nếu như", "giả sử", "trong trường hợp"],
  caseEnd: ["thì"],
  /**
   * Words that make a case a state of things ("chưa kết hôn", "đã ly hôn", "bị mất", "không có",
   * "là con nuôi"), which the procedure under discussion must deal with; a case without them may be
   * another request.
   */
  state: ["chưa", "đã", "không", "ko", "chẳng", "bị", "là", "đang", "mất", "có", "hết", "thiếu", "vẫn", "không còn", "đã từng", "rồi", "khác"],
  /** A case that is a wish ("nếu muốn" …, "nếu định" …): a request, read as any other. */
  wanting: ["muốn", "định", "tính", "cần làm", "xin", "có nhu cầu"],
  /** Going back to a procedure asked earlier ("quay lại" … "khai sinh"): words about the conversation, not of the procedure ("lại" is not a re-registration). */
  goingBack: [{ at: "start", slots: [{ many: ["thế", "vậy", "giờ", "bây giờ", "còn", "dạ"] }, ["quay lại", "quay về", "trở lại", "về lại", "hỏi lại", "quay lại hỏi"], { many: ["với", "thủ tục", "việc", "cái", "chuyện", "phần", "hỏi về", "về"] }] }],

  docs: [
    "giấy tờ", "giấy tờ gì", "giấy gì", "cần gì", "cần những gì", "những gì", "cần mang", "mang gì", "mang theo gì", "chuẩn bị", "hồ sơ gồm", "gồm gì",
    "thành phần", "làm sao", "làm thế nào", "như thế nào", "cách làm", "các bước",
    // How it is done, asked of the procedure: its "thủ tục" or the doing ("làm") followed by
    // "how", or what one must do; the whole answer. Never "ra sao" or "như nào" alone: after the
    // fee's words they ask the fee only.
    {
      slots: [
        ["thủ tục"],
        ["thế nào", "gì"],
      ],
    },
    {
      slots: [
        ["thủ tục", "làm"],
        ["ra sao"],
      ],
    },
    {
      slots: [
        ["thủ tục", "làm"],
        ["như nào"],
      ],
    },
    {
      slots: [
        ["phải", "cần"],
        ["làm"],
        ["gì"],
      ],
    },
    "thủ tục gồm",
    "làm những gì",
    "quy trình",
    "trình tự",
    // which papers, in other words ("loại giấy nào", "cần những giấy nào")
    "giấy nào", "loại giấy", "những giấy",
  ],
  where: ["ở đâu", "chỗ nào", "nơi nộp", "nộp ở", "nộp tại", "cơ quan nào", "đến đâu", "đi đâu", "nơi nào", "nộp đâu", "làm đâu"],
  time: [
    "bao lâu", "bao nhiêu lâu", "mấy ngày", "bao nhiêu ngày", "thời hạn", "thời gian", "bao giờ", "khi nào", "lâu không", "mất mấy", "mấy hôm", "mấy tuần",
    // "mất" there is "it takes", not "lost": a word that asks, not one for the search ("mất bao lâu")
    "mất bao lâu", "mất bao nhiêu lâu", "mất bao nhiêu ngày", "mất mấy ngày", "mất mấy hôm", "mất mấy tuần",
  ],
  fee: ["lệ phí", "phí", "chi phí", "miễn phí", "bao nhiêu tiền", "hết bao nhiêu", "mất bao nhiêu", "tốn bao nhiêu", "tiền", "mất tiền", "tốn tiền", "mất phí", "tốn phí", "giá"],
  /**
   * How much the citizen receives (a benefit, an allowance: "được bao nhiêu tiền", "mức trợ cấp"),
   * not what they pay: the fee is answered too only where its own words are said (`feeOwnWords`).
   */
  amount: [
    { slots: [["được", "nhận được", "được nhận", "được hỗ trợ", "được trợ cấp", "được hưởng", "hưởng", "nhận"], { optional: ["khoảng", "tầm"] }, ["bao nhiêu", "bao nhiêu tiền", "mấy tiền", "bn", "nhiêu tiền"]] },
    "mức hỗ trợ", "mức trợ cấp", "mức hưởng", "tiền trợ cấp", "tiền hỗ trợ",
  ],
  feeOwnWords: ["lệ phí", "phí", "mất phí", "tốn phí", "mất tiền", "tốn tiền", "mất bao nhiêu", "tốn bao nhiêu", "hết bao nhiêu", "nộp bao nhiêu", "đóng bao nhiêu", "trả bao nhiêu"],
  /** How the dossier is handed in: by post, online, or at the desk ("nộp trực tiếp được không"). */
  postal: ["trực tiếp", "bưu điện", "bưu chính", "bưu tá", "qua bưu", "tận nhà", "ship", "chuyển phát", "online", "trực tuyến", "qua mạng", "nộp mạng", "VNeID", "dịch vụ công"],
  /**
   * Words around an aspect that name no procedure ("tôi ở xa có gửi … được không", "còn … thì
   * sao"): a question made only of these and an aspect's words asks about a procedure it does not name.
   */
  aspectOnly: [
    "tôi", "tui", "em", "mình", "anh", "chị", "ông", "bà", "bạn", "ad", "admin", "cho", "hỏi", "cho hỏi", "xin hỏi", "vậy", "thì", "có",
    "cần", "được", "không", "hông", "ko", "nữa", "gì", "thế", "nào", "sao", "ạ", "ơi", "nhé", "nha", "hả", "à", "còn", "phải", "là", "mà",
    "và", "với", "làm", "nộp", "gửi", "nhận", "lấy", "đi", "ở", "xa", "mất", "hết", "tốn", "bao nhiêu", "bao", "nhiêu", "luôn", "này",
    "đó", "kết quả", "hồ sơ", "theo", "mang", "qua", "về", "nhà",
    // "thời gian giải quyết", "thời hạn xử lý": the time's words with what the desk does
    "giải quyết", "xử lý",
    // typed as in a text message: "k"/"kh"/"hok" (không), "dc"/"đc" (được), "j" (gì), "bn" (bao nhiêu), "e" (em)
    "k", "kg", "kh", "khg", "hok", "dc", "đc", "j", "bn", "e", "ak", "ah",
    // who would go instead ("cho con trai đi nộp", "nhờ người nhà làm giúp")
    "con", "con trai", "con gái", "vợ", "chồng", "bố", "mẹ", "ba", "má", "người nhà", "người thân", "người khác", "giúp", "giùm", "dùm",
  ],
  /** Whether one must go there, who must (both spouses?), or whether it can be done from home. */
  presence: [
    "tại nhà", "ở nhà", "từ xa", "có mặt", "cả hai", "cả 2", "hai người", "2 người", "hai vợ chồng", "cả vợ", "cả chồng", "đi cùng", "đến cùng",
    "phải đi", "cần đi", "phải đến", "cần đến", "phải lên", "cần lên", "không phải đi", "không cần đi", "không phải đến", "không cần đến", "lưu động",
  ],
  /**
   * How long a paper stays valid ("có giá trị bao lâu", "thời hạn sử dụng", "dùng được mấy
   * tháng"), not how long the procedure takes: the time's words inside these ("có thời hạn bao
   * lâu") do not ask the processing time too.
   */
  validity: [
    "có giá trị", "còn giá trị", "giá trị bao lâu", "giá trị trong bao lâu", "giá trị mấy tháng", "giá trị sử dụng", "hiệu lực", "thời hạn sử dụng", "hạn sử dụng",
    "có thời hạn", "có thời hạn bao lâu", "dùng được bao lâu", "dùng được mấy", "sử dụng được bao lâu", "sử dụng được mấy", "dùng trong bao lâu",
  ],
  /** What happens when it is done late: a fine, a late fee. */
  penalty: [
    "phạt", "bị phạt", "nộp phạt", "tiền phạt", "xử phạt", "quá hạn", "trễ hạn", "đăng ký muộn", "làm muộn", "khai muộn", "đăng ký trễ", "làm trễ", "khai trễ",
    "đăng ký chậm", "làm chậm", "khai chậm",
  ],
  proxy: [
    { slots: [["nhờ"], ["người", "ai", "bà", "mẹ", "bố", "ba", "con", "chồng", "vợ", "anh", "chị", "em", "ông", "cô", "chú", "bác", "dì"]] },
    { slots: [["người khác", "người nhà", "người thân"], ["đi", "làm", "nộp", "nhận", "ký"]] },
    "ủy quyền",
    "không đến được",
    "không đi được",
    "không tự đi được",
    "không tự đến được",
    { slots: [["làm", "nộp", "nhận", "đi", "ký", "lấy"], ["hộ", "thay", "dùm", "giùm"]] },
    // a relative going instead, asked whether it will do ("con dâu đi được không", "chồng tôi nộp có được không")
    { slots: [KIN, { optional: ["tôi", "tui", "em", "mình"] }, GOING, { optional: ["thay", "cho", "hồ sơ", "giấy tờ"] }, WILL_DO] },
    // anyone at all ("ai đi khai cũng được à", "ai nộp cũng được hả")
    { slots: [["ai"], GOING, { optional: ["thay", "cho", "hồ sơ", "giấy tờ"] }, ["cũng được"]] },
    { slots: [["ai cũng"], GOING, ["được"]] },
  ],
} satisfies Record<string, IntentSpec>;
