/** Staff-facing labels in Vietnamese, in one place (the console's pages and the API's labels). */
import type { UnreachableReason } from "../broadcasts/targeting.js";

export const BROADCAST_STATUS_LABELS = {
  DRAFT: "Bản nháp",
  AWAITING_APPROVAL: "Chờ phê duyệt",
  SCHEDULED: "Đã hẹn giờ gửi",
  SENDING: "Đang gửi",
  SENT: "Đã gửi xong",
  CANCELLED: "Đã hủy",
} as const;

export const UNREACHABLE_LABELS: Record<UnreachableReason, string> = {
  blocked: "Đã chặn bot Telegram",
  unfollowed: "Đã bỏ quan tâm Zalo OA",
  "zalo-window": "Quá 7 ngày không nhắn Zalo OA, Zalo không cho gửi",
  "zalo-daily-cap": "Đã nhận đủ số thông báo Zalo trong ngày",
  "no-push-channel": "Không có kênh nhận tin, chỉ dùng trang web",
};

export const CHANNEL_LABELS = { TELEGRAM: "Telegram", ZALO_OA: "Zalo", SMS: "SMS", ZNS: "Zalo ZNS" } as const;

/** Lateness in working days, as staff read it (src/calendar/lateness.ts). */
export function latenessLabel(l: { state: string; workingDays: number | null; moved?: boolean }): string {
  const n = l.workingDays ?? 0;
  const moved = l.moved ? " (theo ngày hẹn lại)" : "";
  switch (l.state) {
    case "EARLY":
      return n > 0 ? `Trước hạn ${n} ngày làm việc${moved}` : `Trước hạn${moved}`;
    case "ON_TIME":
      return `Đúng hạn${moved}`;
    case "LATE":
      return n > 0 ? `Trễ hạn ${n} ngày làm việc${moved}` : `Trễ hạn${moved}`;
    case "OVERDUE":
      return n > 0 ? `Quá hạn ${n} ngày làm việc${moved}` : `Quá hạn (chưa tròn 1 ngày làm việc)${moved}`;
    case "DUE_SOON":
      return n === 0 ? `Đến hạn hôm nay${moved}` : `Đến hạn ngày làm việc tới${moved}`;
    case "PENDING":
      return `Còn ${n} ngày làm việc${moved}`;
    case "CLOSED":
      return "Đã kết thúc, không có kết quả";
    default:
      return "Chưa có ngày hẹn";
  }
}

export const CALENDAR_KIND_LABELS = {
  HOLIDAY: "Ngày nghỉ",
  WORKING_WEEKEND: "Làm bù (thứ Bảy/Chủ nhật)",
} as const;

export const WEEKDAY_LABELS = ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"] as const;

/** The parties of a postal hand-over (form 05), the post office being one of them. */
export const HANDOVER_PARTIES = {
  postOffice: "Bưu điện",
  postalClerk: "Nhân viên bưu điện",
  desk: "Bộ phận một cửa",
  deskOfficer: "Cán bộ một cửa",
  applicantUnit: "Người nộp hồ sơ",
  applicant: "Người nộp hồ sơ",
} as const;

/** A hand-over against its step's deadline (form 05's "Kết quả" column). */
export const HANDOVER_RESULT_LABELS = { EARLY: "Trước hạn", ON_TIME: "Đúng hạn", LATE: "Quá hạn" } as const;

/** The apology (form 04) and the hand-overs (form 05): what staff read. */
/** What upstream alone says of a dossier on record (see the guard's setsUpstreamFields). */
export type UpstreamField = "applicant.phone" | "dueAt" | "newDueAt" | "channel";
const UPSTREAM_FIELD_LABELS: Record<UpstreamField, string> = {
  "applicant.phone": "số điện thoại người nộp hồ sơ (nơi nhận thông báo và mã xác nhận)",
  dueAt: "ngày hẹn trả kết quả",
  newDueAt: "ngày hẹn mới",
  channel: "hình thức nộp hồ sơ",
};

export const FORMS_TEXT = {
  apologyOnce: "Ngày hẹn chỉ được điều chỉnh một lần: hồ sơ này đã được hẹn lại ngày trả kết quả, không thể xin lỗi và hẹn lại lần nữa.",
  apologyClosed: "Hồ sơ đã có kết quả hoặc đã kết thúc (đã trả, bị từ chối, đã rút, dừng xử lý): không thể hẹn lại ngày trả kết quả.",
  apologyNoDueDate: "Hồ sơ chưa có ngày hẹn trả kết quả: chưa thể hẹn lại.",
  apologyNotAfter: "Ngày hẹn mới phải sau ngày hẹn hiện tại",
  apologyIssued: "Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả; người dân sẽ nhận được thông báo.",
  apologyLate: "Phiếu xin lỗi được lập từ ngày hẹn trở đi (quy định yêu cầu lập trước ngày hẹn ít nhất một ngày): đã ghi nhận là lập muộn.",
  handoverRecorded: "Đã ghi nhận việc giao nhận hồ sơ vào phiếu kiểm soát.",
  statusRecorded: "Đã cập nhật trạng thái hồ sơ; người dân được báo theo kênh đã đăng ký.",
  statusRecordedQuiet: "Đã cập nhật trạng thái hồ sơ (trạng thái này không gửi thông báo cho người dân).",
  statusNotApplied: "Đã ghi nhận vào diễn biến, nhưng trạng thái hồ sơ không đổi: hồ sơ đã có một trạng thái mới hơn.",
  statusChoose: "Trạng thái mới: chọn một trạng thái trong danh sách.",
  /** The form's event id already carried another status or note (the page was sent again after Back, or from a second tab): nothing stored. */
  statusFormUsed: (stored: string) => `Biểu mẫu này đã được dùng để ghi trạng thái «${stored}»; lần gửi này không được lưu. Vui lòng tải lại trang hồ sơ rồi ghi lại nếu cần.`,
  /** A staff event (the API) with a status that is not the staff's own: the apology's, the post office's, or online registration. */
  staffStatusNotOwn: (status: string) =>
    status === "DELAYED"
      ? "status: cán bộ không ghi trạng thái DELAYED bằng sự kiện; ngày hẹn mới chỉ được ghi qua phiếu xin lỗi (mẫu 04), POST /api/v1/dossiers/{code}/apology, một lần (staff set a new date only through the apology); nothing was stored."
      : `status: cán bộ xã chỉ ghi các trạng thái RECEIVED, PROCESSING, SUPPLEMENT_REQUIRED, PAYMENT_REQUIRED, RESULT_READY, RESULT_HANDED_TO_POST, RETURNED, REFUSED, STOPPED, WITHDRAWN; ${status} do hệ thống một cửa của tỉnh hoặc bưu điện (qua lịch hẹn) ghi (staff may not record ${status}); nothing was stored.`,
  /** A staff event (the API) naming another way the dossier came in than the one on record. */
  staffChannelNotOwn:
    "channel: cán bộ không đổi hình thức nộp hồ sơ (trực tiếp, trực tuyến, qua bưu chính) bằng sự kiện: hình thức nộp do hệ thống một cửa của tỉnh ghi (staff do not change the dossier's channel); nothing was stored.",
  /** A staff event that would take a dossier with its result back to one without (the status form or the API). */
  staffResultNotUndone:
    "status: kết quả đã được ghi nhận; cán bộ không đưa trạng thái trở lại trước kết quả (trễ hạn hay đúng hạn được tính theo lần đầu ghi kết quả); việc đính chính do hệ thống một cửa của tỉnh ghi (staff do not take a recorded result back); nothing was stored.",
  /** A staff event (the API) naming an appointment date other than the dossier's. */
  /** A unit's own system (an integration key with a unit) changing what upstream says of a dossier on record. */
  unitSystemNotUpstream: (path: string, field: UpstreamField) =>
    `${path}: hệ thống của đơn vị (khóa tích hợp gắn với một đơn vị) không đổi ${UPSTREAM_FIELD_LABELS[field]} của hồ sơ đã có: việc này do hệ thống một cửa của tỉnh ghi; hệ thống của đơn vị chỉ ghi khi tạo hồ sơ mới của đơn vị (a unit's own system does not change ${field} of a dossier on record); nothing was stored.`,
  staffDateNotOwn: (field: "dueAt" | "newDueAt") =>
    `${field}: cán bộ không đổi ngày hẹn trả kết quả bằng sự kiện: ngày hẹn do hệ thống một cửa của tỉnh ghi, ngày hẹn mới chỉ qua phiếu xin lỗi (mẫu 04), một lần (staff do not change the appointment dates through events); nothing was stored.`,
  handoverBeforeReceipt: "Thời điểm giao nhận không được trước thời điểm tiếp nhận hồ sơ",
  idempotencyReused: "Idempotency-Key này đã được dùng cho một lần giao nhận khác; lần giao nhận mới cần khóa mới.",
  form04Title: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
  form05Title: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
} as const;

/** The post office desk (issue 10 §6): bookings as the clerk reads them. */
/** What a hamlet merge says to staff. */
export const HAMLET_MERGE_TEXT = {
  merged: "Đã gộp ấp/khóm; người đăng ký đã được chuyển sang ấp/khóm giữ lại.",
  /** Urgent announcements approved for one of the two hamlets, not sent yet: approved for fewer people than they would now reach. */
  reapproval: (count: number, titles: string[] = []) =>
    `${count} thông báo khẩn đã được phê duyệt cho một trong hai ấp/khóm nhưng chưa gửi${titles.length ? ` (${titles.map((t) => `“${t}”`).join(", ")})` : ""} nay chờ phê duyệt lại: ` +
    "sau khi gộp, thông báo sẽ đến nhiều người hơn số người đã được duyệt. Cần một cán bộ khác (không phải người soạn) xem lại phạm vi gửi và phê duyệt lại.",
};

export const BOOKING_STATUS_LABELS = {
  REQUESTED: "Mới đặt",
  CONFIRMED: "Đã xác nhận",
  DISPATCHED: "Đang phát",
  COMPLETED: "Đã hoàn tất",
  FAILED: "Không thành công",
  CANCELLED: "Đã hủy",
} as const;

export const BOOKING_KIND_LABELS = {
  RESULT_DELIVERY: "Chuyển phát kết quả",
  DOSSIER_COLLECTION: "Thu gom hồ sơ",
} as const;

/** Who pays for a second try: the party that caused the failure (Quyết định 45/2016/QĐ-TTg). */
export const RETRY_PAYER_LABELS = {
  CITIZEN: "Người dân (vắng nhà, sai địa chỉ, từ chối nhận…)",
  POST_OFFICE: "Bưu điện (lỗi của bưu điện)",
  AGENCY: "Cơ quan giải quyết (kết quả sai, thiếu…)",
} as const;

/** What the desk says after a move. */
export const BOOKING_FLASH = {
  CONFIRMED: "Đã xác nhận lịch hẹn; người dân được báo tin.",
  DISPATCHED: "Đã ghi phát với mã vận đơn; người dân được báo tin.",
  COMPLETED: "Đã ghi hoàn tất; người dân được báo tin.",
  FAILED: "Đã ghi không thành công cùng lý do và bên trả cước lần sau; người dân được báo tin.",
  CANCELLED: "Đã hủy lịch hẹn; người dân được báo tin.",
  repeated: "Lịch hẹn đã ở trạng thái này (có thể do bấm hai lần); không ghi thêm gì.",
  created: "Đã đặt lịch chuyển phát kết quả.",
  alreadyBooked: "Hồ sơ này đã có lịch chuyển phát đang thực hiện; đây là lịch đó.",
} as const;

/** The buttons of the desk, one per move. */
export const BOOKING_ACTION_LABELS = {
  CONFIRMED: "Xác nhận",
  DISPATCHED: "Phát (ghi mã vận đơn)",
  COMPLETED: "Đã giao/nhận xong",
  FAILED: "Không thành công",
  CANCELLED: "Hủy lịch hẹn",
} as const;

// ───────────────────────── The monthly report (issue 10 §7) ─────────────────────────

/** Where a notice ended up, as the monthly report names it. */
export const NOTICE_CHANNEL_LABELS = {
  TELEGRAM: "Telegram",
  ZALO_OA: "Zalo OA",
  ZNS: "Zalo ZNS",
  SMS: "SMS",
  WEB: "Web chat",
  SANDBOX: "Thử nghiệm (sandbox)",
  NONE: "Chưa gửi qua kênh nào",
} as const;

export const REPORT_TEXT = {
  title: "Báo cáo kết quả tiếp nhận và trả kết quả hồ sơ",
  /** Submitting a month's report before its last working days. */
  tooEarly: (monthLabel: string, from: string) =>
    `Báo cáo ${monthLabel} chưa nộp được: tháng chưa kết thúc. Báo cáo nộp được từ ngày ${from} (ba ngày làm việc trước ngày cuối tháng, khi số liệu của tháng đã được lập); nội dung đã viết vẫn được lưu ở bản nháp. (A month's report can be submitted from ${from}.)`,
  statusHeading: "Trạng thái",
  status: { DRAFT: "Bản nháp (chưa nộp)", SUBMITTED: "Đã nộp" },
  sheets: { report: "Báo cáo", communes: "Theo xã, phường" },
  columns: { part: "Phần", label: "Chỉ tiêu", value: "Số liệu" },
  parts: {
    received: "Tiếp nhận hồ sơ",
    returned: "Trả kết quả",
    apologies: "Thư xin lỗi, hẹn lại ngày trả",
    handovers: "Bàn giao hồ sơ (phiếu kiểm soát)",
    notices: "Tin nhắn thông báo cho người dân",
    noticesByChannel: "Tin nhắn theo kênh",
    cost: "Chi phí tin nhắn ước tính (đồng)",
    bookings: "Đặt lịch bưu điện",
    announcements: "Thông báo của xã, phường",
  },
  received: {
    total: "Tổng số hồ sơ tiếp nhận",
    COUNTER: "Tiếp nhận trực tiếp tại bộ phận một cửa",
    ONLINE: "Tiếp nhận trực tuyến",
    POSTAL: "Tiếp nhận qua dịch vụ bưu chính công ích",
  },
  returned: {
    total: "Tổng số hồ sơ đã trả kết quả",
    byPost: "Trả kết quả qua dịch vụ bưu chính công ích",
    early: "Trả trước hạn",
    onTime: "Trả đúng hạn",
    late: "Trả quá hạn",
    noDueDate: "Không có ngày hẹn trả",
  },
  apologies: { total: "Số thư xin lỗi đã gửi", late: "Trong đó gửi vào hoặc sau ngày hẹn trả" },
  handovers: { total: "Số lần bàn giao", EARLY: "Bàn giao trước hạn", ON_TIME: "Bàn giao đúng hạn", LATE: "Bàn giao quá hạn" },
  notices: {
    total: "Tổng số tin",
    delivered: "Đã đến người dân",
    sent: "Đã gửi, không có báo nhận",
    failed: "Không gửi được",
    unknown: "Không rõ kết quả (lần gửi bị gián đoạn)",
    checking: "Đang xác minh với nhà cung cấp",
    pending: "Đang chờ gửi",
    cancelled: "Không gửi (người dân từ chối nhận)",
    fellBack: "Chuyển sang kênh khác",
  },
  cost: {
    smsSegments: "Số phần tin SMS",
    sms: "Chi phí SMS",
    zaloPaidMessages: "Số tin Zalo tính phí (ZNS, Zalo OA ngoài 48 giờ)",
    zalo: "Chi phí Zalo",
    total: "Tổng chi phí ước tính",
  },
  bookingKinds: { RESULT_DELIVERY: "Chuyển trả kết quả tại nhà", DOSSIER_COLLECTION: "Thu gom hồ sơ tại nhà" },
  bookings: { requested: "đã đặt", completed: "hoàn thành", failed: "không thành công" },
  announcements: {
    sent: "Số thông báo đã gửi",
    recipients: "Số người nhận dự kiến",
    reached: "Số người dân đã nhận được",
    delivered: "Trong đó có xác nhận đã đến",
  },
  sections: {
    results: "Kết quả đạt được",
    strengths: "Ưu điểm",
    limitations: "Hạn chế",
    proposals: "Kiến nghị, đề xuất",
  },
  communeColumns: {
    code: "Mã",
    name: "Xã, phường",
    received: "Tiếp nhận",
    receivedByPost: "Tiếp nhận qua bưu chính",
    returned: "Đã trả kết quả",
    returnedByPost: "Trả qua bưu chính",
    late: "Trả quá hạn",
    apologies: "Thư xin lỗi",
    handovers: "Bàn giao",
    notices: "Tin nhắn",
    noticesFailed: "Tin không gửi được",
    bookingsRequested: "Đặt lịch bưu điện",
    announcements: "Thông báo đã gửi",
  },
  /** The home page's reminder, set by the scheduled job. */
  reminder: (monthLabel: string, lastDay: string) => `Báo cáo ${monthLabel} đã được lập sẵn số liệu: hãy viết các mục nhận xét và nộp trước ngày ${lastDay}.`,
} as const;

// ───────────────────────── The overdue watch and the staff Telegram link ─────────────────────────

/** What the bot answers a staff member linking (or trying to link) their Telegram chat. */
export const STAFF_LINK_TEXT = {
  linked: (fullName: string, unitName: string | null) =>
    `Đã liên kết Telegram này với tài khoản cán bộ ${fullName}${unitName ? ` (${unitName})` : ""}. ` +
    "Vào 7 giờ 30 mỗi ngày làm việc, bạn sẽ nhận danh sách hồ sơ của đơn vị sắp đến hạn hoặc đã quá hạn mà chưa có kết quả (không gửi khi không có hồ sơ nào). " +
    "Muốn hủy liên kết: vào trang quản trị, mục “Telegram”.",
  refused: "Mã liên kết không đúng, đã dùng hoặc đã hết hạn. Vui lòng tạo mã mới trong trang quản trị (mục “Telegram”) rồi gửi lại trong vòng 15 phút.",
  tooManyTries: (minutes: number) => `Bạn đã gửi sai mã liên kết quá nhiều lần. Vui lòng thử lại sau ${minutes} phút.`,
  usage: "Để nhận tin nhắc hồ sơ của đơn vị, hãy gửi: /lienket <mã liên kết> (mã 8 chữ số tạo trong trang quản trị, mục “Telegram”).",
  onlyTelegram: "Liên kết tài khoản cán bộ chỉ dùng được qua Telegram.",
} as const;

/** One dossier in the morning digest (a notice's variables: a snapshot taken when the digest was made). */
export interface StaffDigestItem {
  code: string;
  procedureName: string | null;
  /** dd/MM/yyyy. */
  dueDate: string;
  overdue: boolean;
  lateWorkingDays: number;
}

/** The morning digest's notice variables. */
export interface StaffDigestVariables {
  staffName: string;
  unitName: string | null;
  /** dd/MM/yyyy, the day it is for. */
  date: string;
  total: number;
  overdue: number;
  dueSoon: number;
  /** The first dossiers, most overdue first (the rest are counted in `total`). */
  items: StaffDigestItem[];
  /** The console's page where the whole list is. */
  link: string | null;
}

const digestLine = (d: StaffDigestItem) =>
  `• ${d.code}${d.procedureName ? ` – ${d.procedureName}` : ""}: hạn ${d.dueDate}, ` +
  (d.overdue ? (d.lateWorkingDays > 0 ? `quá hạn ${d.lateWorkingDays} ngày làm việc` : "đã quá hạn") : "đến hạn trong 1 ngày làm việc");

/** The morning digest on Telegram: a summary line, then the dossiers (the first ones when there are many). */
export function staffDigestText(v: StaffDigestVariables): { chat: string; sms: { head: string }; zns: Record<string, string> } {
  const head = `Nhắc việc ngày ${v.date}${v.unitName ? ` – ${v.unitName}` : ""}: ${v.total} hồ sơ chưa có kết quả cần chú ý (${v.overdue} đã quá hạn, ${v.dueSoon} đến hạn trong 1 ngày làm việc).`;
  const lines = v.items.map(digestLine);
  const rest = v.total - v.items.length;
  const more = rest > 0 ? `\n… và ${rest} hồ sơ khác.` : "";
  const link = v.link ? `\n\nXem đầy đủ: ${v.link}` : "";
  let chat = `${head}\n\n${lines.join("\n")}${more}${link}`;
  // Telegram takes 4,096 characters: fewer lines, the rest counted.
  for (let keep = lines.length - 1; chat.length > 4000 && keep >= 0; keep--) {
    chat = `${head}\n\n${lines.slice(0, keep).join("\n")}\n… và ${v.total - keep} hồ sơ khác.${link}`;
  }
  return { chat, sms: { head: `Nhac viec ${v.date}: ${v.total} ho so can chu y (${v.overdue} qua han).` }, zns: {} };
}

/** The console's Telegram page. */
export const STAFF_TELEGRAM_LABELS = {
  codeRateLimited: (minutes: number) => `Bạn đã tạo quá nhiều mã liên kết. Vui lòng thử lại sau ${minutes} phút.`,
} as const;

/** The monthly report's reminder on Telegram, to a unit's staff who linked it. */
export interface StaffReportReminderVariables {
  staffName: string;
  unitName: string | null;
  /** "tháng 11/2026". */
  monthLabel: string;
  /** dd/MM/yyyy: the month's last day. */
  lastDay: string;
  link: string | null;
}

export function staffReportReminderText(v: StaffReportReminderVariables): { chat: string; sms: { head: string }; zns: Record<string, string> } {
  const chat = `${REPORT_TEXT.reminder(v.monthLabel, v.lastDay)}${v.unitName ? `\nĐơn vị: ${v.unitName}.` : ""}${v.link ? `\n\nMở báo cáo: ${v.link}` : ""}`;
  return { chat, sms: { head: `Bao cao ${v.monthLabel.replace("tháng", "thang")} da lap so lieu, hay nop truoc ${v.lastDay}.` }, zns: {} };
}

/**
 * What the API answers when Fastify itself refuses a request (a body too large, a type it does not
 * read; malformed JSON is refused by src/http/raw-body.ts), before any route: in Vietnamese like every message people read, Fastify's
 * own English words in brackets for the integrator.
 */
export const HTTP_REFUSAL_TEXT = {
  413: "Nội dung gửi lên quá lớn",
  415: "Kiểu nội dung không được hỗ trợ; hãy gửi application/json",
  other: "Yêu cầu không hợp lệ",
  path: "Địa chỉ yêu cầu không hợp lệ hoặc quá dài",
  headers: "Địa chỉ yêu cầu hoặc phần đầu (header, cookie) quá dài",
  timeout: "Yêu cầu gửi đến quá chậm",
  with: (text: string, original: string) => `${text} (${original})`,
} as const;

/**
 * A service's message as a page shows it: many say it in Vietnamese and then, for the API's
 * integrators, in English in brackets at the end ("Không có hồ sơ X trong đơn vị của bạn (no such
 * dossier in your unit)."); a person reads the Vietnamese alone. Only a last bracket of plain
 * ASCII words goes (never a Vietnamese one, which has marks, nor a code or a date alone:
 * "phải sau ngày hẹn hiện tại (30/11/2026)" keeps its date).
 */
export function withoutEnglishGloss(message: string): string {
  return message.replace(/\s*\((?=[^()]*[a-z]{3,})[\x20-\x7e]*\)\s*(\.?)\s*$/, "$1");
}
