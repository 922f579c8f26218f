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

/** The post office desk (issue 10 §6): bookings as the clerk reads them. */
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
