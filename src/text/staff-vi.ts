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
  "zalo-window": "Quá 7 ngày không nhắn Zalo OA (Zalo không cho gửi)",
  "zalo-daily-cap": "Đã nhận đủ số thông báo Zalo trong ngày",
  "no-push-channel": "Không có kênh nhận tin (chỉ dùng trang web)",
};

export const CHANNEL_LABELS = { TELEGRAM: "Telegram", ZALO_OA: "Zalo", SMS: "SMS", ZNS: "Zalo ZNS" } as const;

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
