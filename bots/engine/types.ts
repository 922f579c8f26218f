/**
 * The conversation engine's own vocabulary. Adapters (Telegram, Zalo, web chat, SMS) translate to and
 * from these shapes; the engine knows nothing about any messaging platform.
 */
/** SMS: a phone (E.164) texting the service's Twilio number; the conversation is the phone. */
export type ConversationChannel = "TELEGRAM" | "ZALO_OA" | "WEB" | "SMS";

export type Inbound =
  | { kind: "text"; text: string }
  /** A button or quick-reply press: the `data` of a Button the engine sent. */
  | { kind: "button"; data: string }
  /** A shared contact; `own` when the platform says it is the sender's own number. */
  | { kind: "contact"; phone: string; own: boolean }
  | { kind: "location"; latitude: number; longitude: number }
  | { kind: "unsupported"; what: "sticker" | "image" | "audio" | "video" | "file" | "empty" | "other" };

export interface InboundMessage {
  conversation: { channel: ConversationChannel; id: string };
  message: Inbound;
  /** Who sent it, as the adapter knows it (the web chat: the client's IP address). */
  client?: { ip?: string };
}

export interface Button {
  label: string;
  data: string;
}

export interface Reply {
  text: string;
  /** Rows of buttons (quick replies where the platform has no buttons). */
  buttons?: Button[][];
}

/** What the engine remembers about one conversation (kept in Redis, with an expiry). */
export interface Session {
  /** The procedure being discussed, so follow-ups ("còn lệ phí?") stay on it. */
  procedureCode?: string;
  /** Codes offered as choices in the last answer. */
  offered?: string[];
  /** Those choices' button labels (a variant's label, "Cấp lại (bị mất)", else the name), in the same order. */
  offeredLabels?: string[];
  /** What the question behind those choices asked (fee, time…), answered once one is chosen. */
  asked?: string[];
  /** Whether that question mentioned a foreigner (the chosen procedure warns if it has no foreign element). */
  askedForeign?: boolean;
  /** A dossier code waiting for its proof. */
  pendingCode?: string;
  /** Dossiers this conversation proved a link to (recently). */
  verified?: string[];
  /** The buttons of the last answer, so text-only channels can answer with a label or its number. */
  lastButtons?: Button[];
  /** An announcements subscription being set up. */
  area?: { step: "commune" | "hamlet"; communeCode?: string; communeName?: string };
  /** A booking being put together, step by step. */
  booking?: BookingDraft;
  /** References of the bookings made in this conversation. */
  bookings?: string[];
  /** An action waiting for the one-time code sent to the phone on record. */
  confirm?: PendingConfirmation;
  /** Messages seen in this conversation (first contact = 0). */
  turns: number;
}

export interface PendingConfirmation {
  /** The OneTimeCode row (the code itself is only in the SMS/ZNS sent to the phone). */
  challengeId: string;
  kind: "book" | "cancel" | "subscribe";
  /** The booking reference (cancel) or the dossier code (subscribe). */
  target?: string;
  /** The last 2 digits of the phone the code went to. */
  phoneTail: string;
  /** Whose phone that is: the applicant's on record, or one the citizen gave (older sessions: the applicant's). */
  to?: "applicant" | "given";
}

export interface BookingDraft {
  kind: "RESULT_DELIVERY" | "DOSSIER_COLLECTION";
  /** RESULT_DELIVERY: the verified dossier. */
  dossierCode?: string;
  /** DOSSIER_COLLECTION: the procedure the dossier is for. */
  procedureCode?: string;
  procedureName?: string;
  /** "who": the applicant or a person with a mandate (delivery); "otp": waiting for the code. */
  step: "who" | "name" | "phone" | "commune" | "address" | "window" | "confirm" | "otp";
  /** RESULT_DELIVERY: false when a person holding the applicant's mandate receives the result. */
  recipientIsApplicant?: boolean;
  recipientName?: string;
  recipientPhone?: string;
  communeCode?: string;
  communeName?: string;
  addressLine?: string;
  timeWindow?: string;
}
