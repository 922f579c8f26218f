/**
 * Every notice a citizen receives, in Vietnamese, in one place.
 * - `chat`: the full text with diacritics (Zalo OA, Telegram, web).
 * - `sms`: the parts of the SMS; `fitSms` strips diacritics and keeps it within the segment budget,
 *   shortening only the free-text note.
 * - `zns`: the named parameters of the approved ZNS template.
 */
import type { BookingNoticeVariables, DossierNoticeType, NoticeVariables, OtpNoticeVariables } from "../notice-types.js";
import { clip } from "../../text/clip.js";

export interface SmsParts {
  head: string;
  middle?: string;
  tail?: string;
}

export interface NoticeText {
  chat: string;
  /** The Zalo OA text when `chat` is longer than Zalo accepts (2,000 characters). */
  zalo?: string;
  sms: SmsParts;
  zns: Record<string, string>;
}

/** Zalo OA refuses a text message over 2,000 characters. */
export const ZALO_TEXT_MAX = 2000;

const OFFICE = "Trung tâm Phục vụ hành chính công xã";

/** Short status names, for ZNS templates and timelines. */
export const STATUS_LABELS: Record<DossierNoticeType | "REGISTERED" | "PROCESSING", string> = {
  REGISTERED: "Mới đăng ký",
  RECEIVED: "Đã tiếp nhận",
  REFUSED: "Không được tiếp nhận",
  PROCESSING: "Đang xử lý",
  SUPPLEMENT_REQUIRED: "Cần bổ sung giấy tờ",
  PAYMENT_REQUIRED: "Cần nộp phí, lệ phí",
  WITHDRAWN: "Đã rút hồ sơ",
  STOPPED: "Dừng xử lý",
  DELAYED: "Hẹn lại ngày trả kết quả",
  RESULT_READY: "Đã có kết quả",
  RETURNED: "Đã trả kết quả",
  POSTAL_COLLECTED: "Bưu điện đã nhận hồ sơ",
  POSTAL_HANDED_TO_DESK: "Bưu điện đã nộp hồ sơ cho bộ phận một cửa",
  RESULT_HANDED_TO_POST: "Kết quả đã giao cho Bưu điện",
  OUT_FOR_DELIVERY: "Bưu tá đang giao kết quả",
  DELIVERED: "Đã giao kết quả tận nơi",
  DELIVERY_FAILED: "Chưa giao được kết quả",
};

function greeting(v: NoticeVariables): string {
  return v.citizenName ? `Kính gửi ông/bà ${v.citizenName}, ` : "Kính gửi ông/bà, ";
}

function dossier(v: NoticeVariables): string {
  return v.procedureName ? `hồ sơ ${v.dossierCode} (${v.procedureName})` : `hồ sơ ${v.dossierCode}`;
}

const sentence = (text: string | null | undefined) => {
  const t = (text ?? "").trim();
  if (!t) return "";
  return /[.!?…]$/.test(t) ? t : `${t}.`;
};

const lookup = (v: NoticeVariables) => (v.link ? ` Tra cứu: ${v.link}` : "");

function build(v: NoticeVariables, chatBody: string, sms: SmsParts, status: DossierNoticeType, date?: string | null): NoticeText {
  const chat = `${greeting(v)}${chatBody}${lookup(v)}`.replace(/\s+/g, " ").trim();
  return {
    chat,
    sms,
    zns: {
      customer_name: v.citizenName ?? "Ông/bà",
      dossier_code: v.dossierCode,
      procedure_name: v.procedureName ?? "",
      status: STATUS_LABELS[status],
      date: date ?? "",
      note: clip(v.note ?? "", 200),
    },
  };
}

export function noticeText(type: DossierNoticeType, v: NoticeVariables): NoticeText {
  const code = v.dossierCode;
  const note = sentence(v.note);
  switch (type) {
    case "RECEIVED":
      return build(
        v,
        `${dossier(v)} đã được tiếp nhận${v.receivedDate ? ` ngày ${v.receivedDate}` : ""}.${v.dueDate ? ` Ngày hẹn trả kết quả: ${v.dueDate}.` : ""} ${note}`,
        { head: `Ho so ${code} da duoc tiep nhan.${v.dueDate ? ` Ngay hen tra: ${v.dueDate}.` : ""}` },
        type,
        v.dueDate,
      );
    case "REFUSED":
      return build(
        v,
        `${dossier(v)} không được tiếp nhận.${note ? ` Lý do: ${note}` : ""} Ông/bà vui lòng liên hệ ${OFFICE} để được hướng dẫn.`,
        { head: `Ho so ${code} khong duoc tiep nhan.`, middle: note ? `Ly do: ${note}` : "", tail: "Lien he bo phan mot cua de duoc huong dan." },
        type,
      );
    case "SUPPLEMENT_REQUIRED":
      return build(
        v,
        `${dossier(v)} cần bổ sung giấy tờ.${note ? ` Nội dung cần bổ sung: ${note}` : ""} Thời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ.`,
        { head: `Ho so ${code} can bo sung giay to.`, middle: note, tail: "Thoi han tinh lai tu khi nhan du ho so." },
        type,
      );
    case "PAYMENT_REQUIRED":
      return build(
        v,
        `${dossier(v)} cần thực hiện nghĩa vụ tài chính (nộp phí, lệ phí hoặc thuế) trước khi trả kết quả. ${note}`,
        { head: `Ho so ${code} can nop phi, le phi truoc khi tra ket qua.`, middle: note },
        type,
      );
    case "WITHDRAWN":
      return build(v, `${dossier(v)} đã được rút theo yêu cầu của ông/bà. ${note}`, { head: `Ho so ${code} da duoc rut theo yeu cau cua ong/ba.` }, type);
    case "STOPPED":
      return build(
        v,
        `${dossier(v)} đã dừng xử lý.${note ? ` Lý do: ${note}` : ""} Ông/bà vui lòng liên hệ ${OFFICE} nếu cần giải thích thêm.`,
        { head: `Ho so ${code} da dung xu ly.`, middle: note ? `Ly do: ${note}` : "" },
        type,
      );
    case "DELAYED":
      return build(
        v,
        `cơ quan giải quyết thành thật xin lỗi vì ${dossier(v)} chưa thể trả kết quả đúng hẹn${v.dueDate ? ` ngày ${v.dueDate}` : ""}.${note ? ` Lý do: ${note}` : ""}${v.newDueDate ? ` Ngày hẹn trả kết quả mới: ${v.newDueDate}.` : ""} Mong ông/bà thông cảm.`,
        {
          head: `Xin loi ong/ba: ho so ${code} chua tra ket qua dung hen.${v.newDueDate ? ` Hen tra moi: ${v.newDueDate}.` : ""}`,
          middle: note ? `Ly do: ${note}` : "",
        },
        type,
        v.newDueDate,
      );
    case "RESULT_READY": {
      const early = v.early && v.dueDate ? ` (sớm hơn ngày hẹn ${v.dueDate})` : "";
      const earlySms = v.early ? " som hon ngay hen" : "";
      if (v.submissionChannel === "POSTAL") {
        // Sent by post does not mean returned by post: the citizen chooses each separately
        // (Decision 45/2016), and the event does not say which return was chosen. The agency's
        // note, when there is one, says how the result is returned; without it, both ways are told.
        return build(
          v,
          `${dossier(v)} đã có kết quả${early}. ${
            note ||
            `Nếu ông/bà đã chọn nhận kết quả qua Bưu điện, Bưu điện sẽ chuyển phát kết quả đến địa chỉ đã đăng ký và bưu tá sẽ gọi trước khi giao; nếu không, mời ông/bà đến nhận tại ${OFFICE}${v.communeName ? ` ${v.communeName}` : ""}.`
          }`,
          {
            head: `Ho so ${code} da co ket qua${earlySms}.`,
            middle: note || `Neu da chon nhan qua Buu dien, buu ta se goi truoc khi giao; neu khong, moi ong/ba den nhan tai bo phan mot cua.`,
          },
          type,
        );
      }
      return build(
        v,
        `${dossier(v)} đã có kết quả${early}. ${note || `Mời ông/bà đến nhận tại ${OFFICE}${v.communeName ? ` ${v.communeName}` : ""}.`} Nếu muốn, ông/bà có thể đặt Bưu điện chuyển kết quả đến tận nhà (trả lời tin này hoặc nhắn "giao tận nhà").`,
        { head: `Ho so ${code} da co ket qua${earlySms}.`, middle: note || `Moi ong/ba den nhan tai bo phan mot cua.`, tail: "Co the dat Buu dien giao tan nha." },
        type,
      );
    }
    case "RETURNED":
      return build(v, `kết quả ${dossier(v)} đã được trả. Cảm ơn ông/bà đã sử dụng dịch vụ công. ${note}`, { head: `Ket qua ho so ${code} da duoc tra. Cam on ong/ba.` }, type);
    case "POSTAL_COLLECTED":
      return build(
        v,
        `Bưu điện đã nhận ${dossier(v)} của ông/bà và sẽ chuyển đến bộ phận một cửa. ${note}`,
        { head: `Buu dien da nhan ho so ${code} va se chuyen den bo phan mot cua.` },
        type,
      );
    case "POSTAL_HANDED_TO_DESK":
      return build(v, `Bưu điện đã nộp ${dossier(v)} cho bộ phận một cửa. ${note}`, { head: `Buu dien da nop ho so ${code} cho bo phan mot cua.` }, type);
    case "RESULT_HANDED_TO_POST":
      return build(
        v,
        `kết quả ${dossier(v)} đã được giao cho Bưu điện để chuyển phát đến ông/bà. ${note}`,
        { head: `Ket qua ho so ${code} da giao cho Buu dien de chuyen den ong/ba.` },
        type,
      );
    case "OUT_FOR_DELIVERY":
      return build(
        v,
        `bưu tá đang chuyển kết quả ${dossier(v)} đến ông/bà. Ông/bà vui lòng để ý điện thoại để nhận cuộc gọi của bưu tá. ${note}`,
        { head: `Buu ta dang giao ket qua ho so ${code}. Vui long de y dien thoai.` },
        type,
      );
    case "DELIVERED":
      return build(v, `kết quả ${dossier(v)} đã được giao tận nơi thành công. Cảm ơn ông/bà. ${note}`, { head: `Ket qua ho so ${code} da duoc giao thanh cong. Cam on ong/ba.` }, type);
    case "DELIVERY_FAILED":
      return build(
        v,
        `Bưu điện chưa giao được kết quả ${dossier(v)}.${note ? ` Lý do: ${note}` : ""} Bưu điện sẽ liên hệ để hẹn lại lần giao; ông/bà cũng có thể nhắn tin cho chúng tôi để đặt lại lịch.`,
        { head: `Buu dien chua giao duoc ket qua ho so ${code}.`, middle: note ? `Ly do: ${note}` : "", tail: "Buu dien se lien he hen lai." },
        type,
      );
  }
}

const BOOKING_STATUS: Record<BookingNoticeVariables["status"], { chat: string; sms: string }> = {
  CONFIRMED: { chat: "đã được Bưu điện xác nhận", sms: "da duoc Buu dien xac nhan" },
  DISPATCHED: { chat: "đang được bưu tá thực hiện: bưu tá sẽ gọi trước khi đến", sms: "dang duoc buu ta thuc hien, buu ta se goi truoc khi den" },
  COMPLETED: { chat: "đã hoàn tất. Cảm ơn ông/bà", sms: "da hoan tat. Cam on ong/ba" },
  FAILED: { chat: "chưa thực hiện được; Bưu điện sẽ liên hệ để hẹn lại", sms: "chua thuc hien duoc, Buu dien se lien he hen lai" },
  CANCELLED: { chat: "đã được hủy", sms: "da duoc huy" },
};

/** A postal booking moved: the citizen hears about it. */
export function bookingNoticeText(v: BookingNoticeVariables): NoticeText {
  const what = v.kind === "DOSSIER_COLLECTION" ? `Lịch Bưu điện đến nhận hồ sơ ${v.subject}` : `Lịch Bưu điện giao kết quả hồ sơ ${v.subject}`;
  const whatSms = v.kind === "DOSSIER_COLLECTION" ? `Lich Buu dien nhan ho so` : `Lich Buu dien giao ket qua ho so ${v.subject}`;
  const s = BOOKING_STATUS[v.status];
  const waybill = v.waybillCode ? ` Mã vận đơn: ${v.waybillCode}.` : "";
  // A result on its way is handed over only to the named recipient, on sight of ID.
  const handOver = v.kind === "RESULT_DELIVERY" && v.status === "DISPATCHED";
  return {
    chat: `${what} (mã ${v.reference}, ${v.timeWindow}) ${s.chat}.${waybill}${handOver ? " Bưu tá chỉ trao kết quả cho người nhận có tên trên lịch hẹn khi xem CCCD (và giấy ủy quyền nếu nhận thay)." : ""}${v.note ? ` ${sentence(v.note)}` : ""}`,
    sms: {
      head: `${whatSms} (${v.reference}) ${s.sms}.${v.waybillCode ? ` Ma van don: ${v.waybillCode}.` : ""}${handOver ? " Nguoi nhan xuat trinh CCCD." : ""}`,
      middle: v.note ?? "",
    },
    zns: { booking_reference: v.reference, subject: v.subject, status: s.chat, time_window: v.timeWindow, waybill_code: v.waybillCode ?? "" },
  };
}

const OTP_PURPOSE: Record<OtpNoticeVariables["purpose"], { chat: string; sms: string }> = {
  BOOKING: { chat: "đặt lịch Bưu điện", sms: "dat lich Buu dien" },
  CANCEL_BOOKING: { chat: "hủy lịch Bưu điện", sms: "huy lich Buu dien" },
  SUBSCRIBE: { chat: "nhận thông báo hồ sơ qua tin nhắn", sms: "nhan thong bao ho so qua tin nhan" },
};

/** A one-time code: what it is for, how long it lasts, and never to pass it on. */
export function otpNoticeText(v: OtpNoticeVariables): NoticeText {
  const p = OTP_PURPOSE[v.purpose];
  return {
    chat: `Mã xác nhận ${p.chat}${v.what ? ` (${v.what})` : ""}: ${v.code} (hiệu lực ${v.minutes} phút). Không đưa mã này cho bất kỳ ai, kể cả người xưng là Bưu điện hay cán bộ. Nếu ông/bà không yêu cầu, hãy bỏ qua tin này.`,
    sms: {
      head: `Ma xac nhan ${p.sms}: ${v.code} (hieu luc ${v.minutes} phut). Khong dua ma nay cho bat ky ai.`,
      ...(v.what ? { middle: `Ma nay de: ${v.what}.` } : {}),
    },
    zns: { otp: v.code, purpose: p.chat, minutes: String(v.minutes) },
  };
}

/** How a notice ended, as staff read it in a dossier's history. */
export const NOTICE_OUTCOME_LABELS = {
  delivered: "Đã đến người dân",
  sent: "Đã gửi, chờ báo nhận",
  pending: "Đang chờ gửi",
  checking: "Đang hỏi lại nhà cung cấp (lần gửi bị gián đoạn)",
  unknown: "Không rõ đã đến người dân hay chưa: lần gửi bị gián đoạn và nhà cung cấp không tra cứu được; không gửi lại để tránh trùng",
  failed: "Không gửi được qua kênh nào",
  cancelled: "Không gửi (người dân đã từ chối nhận thông báo)",
} as const;

export type NoticeOutcome = keyof typeof NOTICE_OUTCOME_LABELS;

/** What an announcement needs to be read on every channel. */
export interface BroadcastTextInput {
  title: string;
  body: string;
  /** "Phường Hồng Ngự". */
  communeName: string;
  /** "Khóm 1, Khóm 2"; empty: the whole commune. */
  hamletNames: string[];
  urgent: boolean;
  /** The commune's public announcements page (/xa/{code}), for the full text. */
  link: string | null;
}

/**
 * An announcement from commune staff: on Telegram and Zalo the whole text with diacritics; in an
 * SMS (urgent ones only) without diacritics, the body shortened to the budget with the page's link.
 */
export function broadcastNoticeText(v: BroadcastTextInput): NoticeText {
  const from = `UBND ${v.communeName}`;
  const where = v.hamletNames.length ? ` (gửi ${v.hamletNames.join(", ")})` : "";
  const head = v.urgent ? `[KHẨN] ${from} thông báo${where}` : `${from} thông báo${where}`;
  const more = v.link ? `\n\nXem các thông báo của xã/phường: ${v.link}` : "";
  const chat = `${head}\n\n${v.title}\n\n${v.body}${more}`;
  // Zalo takes 2,000 characters: the body is cut (at a word) and the page's link kept.
  let zalo: string | undefined;
  if (chat.length > ZALO_TEXT_MAX) {
    const room = ZALO_TEXT_MAX - (chat.length - v.body.length) - 1;
    const cut = v.body.slice(0, Math.max(0, room)).replace(/\s+\S*$/, "");
    zalo = `${head}\n\n${v.title}\n\n${cut}…${more}`;
  }
  return {
    chat,
    ...(zalo ? { zalo } : {}),
    sms: {
      head: `${v.urgent ? "[KHAN] " : ""}${from}: ${v.title}.`,
      middle: v.body.replace(/\s+/g, " "),
      ...(v.link ? { tail: `Xem: ${v.link}` } : {}),
    },
    zns: { title: v.title, commune: v.communeName },
  };
}
