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
      return n > 0 ? `Quá hạn ${n} ngày làm việc${moved}` : `Quá giờ hẹn hôm nay${moved}`;
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
