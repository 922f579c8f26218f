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
