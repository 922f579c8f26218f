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
export const FORMS_TEXT = {
  apologyOnce: "Ngày hẹn chỉ được điều chỉnh một lần: hồ sơ này đã được hẹn lại ngày trả kết quả, không thể xin lỗi và hẹn lại lần nữa.",
  apologyClosed: "Hồ sơ đã có kết quả hoặc đã kết thúc (đã trả, bị từ chối, đã rút, dừng xử lý): không thể hẹn lại ngày trả kết quả.",
  apologyNoDueDate: "Hồ sơ chưa có ngày hẹn trả kết quả: chưa thể hẹn lại.",
  apologyNotAfter: "Ngày hẹn mới phải sau ngày hẹn hiện tại",
  apologyIssued: "Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả; người dân sẽ nhận được thông báo.",
  apologyLate: "Phiếu xin lỗi được lập từ ngày hẹn trở đi (quy định yêu cầu lập trước ngày hẹn ít nhất một ngày): đã ghi nhận là lập muộn.",
  handoverRecorded: "Đã ghi nhận việc giao nhận hồ sơ vào phiếu kiểm soát.",
  handoverBeforeReceipt: "Thời điểm giao nhận không được trước thời điểm tiếp nhận hồ sơ",
  handoverFuture: "Thời điểm giao nhận không được ở tương lai",
  idempotencyReused: "Idempotency-Key này đã được dùng cho một lần giao nhận khác; lần giao nhận mới cần khóa mới.",
  form04Title: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
  form05Title: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
} as const;
