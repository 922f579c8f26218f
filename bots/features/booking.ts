/**
 * "Bring the result to my house": for a dossier this conversation proved a link to, whose
 * procedure allows postal return and needs nobody there to receive the result (the presence rule,
 * src/catalog/submission.ts: marriage's spouses sign and receive in person), a guided booking — who receives it (the applicant named on the
 * dossier, or a person holding the applicant's mandate), phone, commune (found by name), address,
 * time window — with the postage from the tariff, a summary to confirm, a one-time code sent to
 * the applicant's phone on record, then a booking the post office sees. A collection from home
 * sends the code to the phone the citizen gives. Bookings can be listed, and cancelled (with a
 * code too) until they are dispatched.
 */
import type { AdminUnitService } from "../../src/admin-units/admin-unit-service.js";
import type { BookingService } from "../../src/bookings/booking-service.js";
import type { CatalogService } from "../../src/catalog/catalog-service.js";
import { homePickup, resultInPerson, submissionOf } from "../../src/catalog/submission.js";
import { toE164 } from "../../src/dossiers/event-schema.js";
import type { DossierLookupService } from "../../src/dossiers/lookup-service.js";
import { CONTROL_ONE_LINE } from "../../src/text/characters.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Confirmation, OneTimeCodeService } from "../../src/verification/one-time-codes.js";
import type { Feature, TurnContext } from "../engine/engine.js";
import type { BookingDraft } from "../engine/types.js";
import { Utterance } from "../intents/match.js";
import { ASPECTS, COMPOUNDS, INTENTS } from "../intents/vocabulary.js";
import { botText, bookingText } from "../messages/vi.js";
import { confirmTurn, requestCode } from "./confirm.js";

/** The button that leaves a booking under way, beside every question of it and every "please type it again". */
const ABORT = [{ label: "Hủy", data: "book-abort" }];

const DONE = new Set(["RETURNED", "DELIVERED", "REFUSED", "WITHDRAWN", "STOPPED", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY"]);

/** A question about a procedure (an aspect's words and a question's: "mà lệ phí bao nhiêu vậy?"), not a name or an address. */
function asksAboutProcedure(text: string): boolean {
  const said = new Utterance(text, COMPOUNDS);
  return ASPECTS.some((a) => said.is(INTENTS[a])) && (text.includes("?") || said.is(INTENTS.asking));
}

export function bookingFeature(deps: {
  bookings: BookingService;
  lookup: DossierLookupService;
  units: AdminUnitService;
  catalog: CatalogService;
  codes: OneTimeCodeService;
  tariff: { RESULT_DELIVERY: number; DOSSIER_COLLECTION: number };
}): Feature {
  const startCollection = async (ctx: TurnContext, procedureCode: string) => {
    const p = await deps.catalog.get(procedureCode);
    if (!p || !homePickup(p)) return void ctx.reply({ text: p?.postalSubmission === true ? bookingText.collectionNeedsPresence : bookingText.collectionNotAllowed });
    ctx.session.booking = { kind: "DOSSIER_COLLECTION", procedureCode: p.code, procedureName: p.name, step: "name" };
    ctx.reply({ text: bookingText.askNameCollection(p.name), buttons: [ABORT] });
  };

  const start = async (ctx: TurnContext, code: string | undefined) => {
    if (!code || !(ctx.session.verified ?? []).includes(code)) return void ctx.reply({ text: bookingText.needsTracking, buttons: [[{ label: "Tra cứu hồ sơ", data: "track" }]] });
    const d = await deps.lookup.verifyTrusted(code);
    if (!d) return void ctx.reply({ text: bookingText.needsTracking });
    if (DONE.has(d.status)) return void ctx.reply({ text: bookingText.finished });
    if (d.channel === "POSTAL") return void ctx.reply({ text: bookingText.alreadyPostal });
    // the procedure's own data decides, not the stored flag alone: a step in person to receive the result rules it out
    const p = d.procedureCode ? await deps.catalog.get(d.procedureCode) : undefined;
    if (p && p.postalReturn === true && submissionOf(p).resultByPost !== true) return void ctx.reply({ text: bookingText.resultNeedsPresence(resultInPerson(p)) });
    if (!p || submissionOf(p).resultByPost !== true) return void ctx.reply({ text: bookingText.notAllowed });
    ctx.session.booking = { kind: "RESULT_DELIVERY", dossierCode: code, procedureName: d.procedureName ?? undefined, step: "who" };
    ctx.reply({ text: bookingText.askWho, buttons: [...bookingText.whoButtons, ABORT] });
  };

  /** The window offered that a typed answer names (by its label's first word, or "any time"), or null. */
  const typedWindow = (text: string): string | null => {
    const said = ` ${searchKey(text)} `;
    const offered = bookingText.windows.flat().map((w) => w.data.slice("window:".length));
    const any = offered.find((w) => w.startsWith("Giờ nào"))!;
    const morning = said.includes(" sang ");
    const afternoon = said.includes(" chieu ");
    if (/ (gio|luc|buoi) nao cung (duoc|dc) /.test(said) || (morning && afternoon)) return any;
    if (morning) return offered.find((w) => w.startsWith("Sáng"))!;
    if (afternoon) return offered.find((w) => w.startsWith("Chiều"))!;
    return null;
  };

  const askNext = (ctx: TurnContext, b: BookingDraft) => {
    switch (b.step) {
      case "who":
        return ctx.reply({ text: bookingText.askWho, buttons: [...bookingText.whoButtons, ABORT] });
      case "phone":
        return ctx.reply({ text: b.kind === "DOSSIER_COLLECTION" ? bookingText.askPhoneCollection : bookingText.askPhone, buttons: [ABORT] });
      case "commune":
        return ctx.reply({ text: b.kind === "DOSSIER_COLLECTION" ? bookingText.askCommuneCollection : bookingText.askCommune, buttons: [ABORT] });
      case "address":
        return ctx.reply({ text: (b.kind === "DOSSIER_COLLECTION" ? bookingText.askAddressCollection : bookingText.askAddress)(b.communeName ?? ""), buttons: [ABORT] });
      case "window":
        return ctx.reply({ text: b.kind === "DOSSIER_COLLECTION" ? bookingText.askWindowCollection : bookingText.askWindow, buttons: [...bookingText.windows, ABORT] });
      case "confirm":
      case "otp":
        return ctx.reply({ text: bookingText.summary(b as Required<BookingDraft>, deps.tariff[b.kind]), buttons: bookingText.confirmButtons });
      default:
        return ctx.reply({ text: b.kind === "DOSSIER_COLLECTION" ? bookingText.askNameCollection(b.procedureName ?? "") : bookingText.askName, buttons: [ABORT] });
    }
  };

  const step = async (ctx: TurnContext, b: BookingDraft, text: string) => {
    // One line, as the slip prints it and the notices say it: line breaks and tabs are spaces, and
    // any other control character (a BEL, an escape sequence) is refused as staff text is.
    const value = text.trim().replace(/\s+/g, " ");
    const garbled = CONTROL_ONE_LINE.test(value);
    switch (b.step) {
      case "name":
        if (garbled || value.length < 2 || value.length > 100 || /\d{3,}/.test(value)) return void ctx.reply({ text: bookingText.badName, buttons: [ABORT] });
        b.recipientName = value;
        b.step = "phone";
        break;
      case "phone": {
        const e164 = toE164(value);
        if (!e164 || !/^\+84(3|5|7|8|9)\d{8}$/.test(e164)) return void ctx.reply({ text: bookingText.badPhone, buttons: [ABORT] });
        b.recipientPhone = `0${e164.slice(3)}`;
        b.step = "commune";
        break;
      }
      case "commune": {
        const found = await deps.units.search(value, { level: "COMMUNE", limit: 6 });
        const exact = found.filter((u) => searchKey(u.name) === searchKey(value).replace(/^(xa|phuong|dac khu)\s+/, ""));
        if (found.length === 0) return void ctx.reply({ text: bookingText.noCommune, buttons: [ABORT] });
        if (exact.length === 1 || found.length === 1) {
          const u = exact[0] ?? found[0]!;
          b.communeCode = u.code;
          b.communeName = `${u.fullName}, ${u.provinceName ?? ""}`.replace(/, $/, "");
          b.step = "address";
          break;
        }
        return void ctx.reply({ text: bookingText.chooseCommune, buttons: [...found.map((u) => [{ label: `${u.fullName} (${u.provinceName ?? ""})`, data: `commune:${u.code}` }]), ABORT] });
      }
      case "address":
        if (garbled || value.length < 5 || value.length > 200) return void ctx.reply({ text: bookingText.badAddress, buttons: [ABORT] });
        b.addressLine = value;
        b.step = "window";
        break;
      case "window": {
        // typed rather than pressed: "sáng", "buổi chiều", "giờ nào cũng được" are the windows
        // offered; anything else (a date, a time of its own) is asked again, with what to do
        const chosen = typedWindow(value);
        if (chosen === null) return void ctx.reply({ text: bookingText.pickWindow, buttons: [...bookingText.windows, ABORT] });
        b.timeWindow = chosen;
        b.step = "confirm";
        break;
      }
      default:
        return askNext(ctx, b);
    }
    askNext(ctx, b);
  };

  /** The summary was confirmed: the code goes to the applicant's phone on record (a collection: the phone given). */
  const sendBookingCode = async (ctx: TurnContext, b: BookingDraft, resend: string) => {
    if (b.kind === "RESULT_DELIVERY") {
      const d = b.dossierCode ? await deps.lookup.verifyTrusted(b.dossierCode) : null;
      if (!d) return void ctx.reply({ text: bookingText.needsTracking });
      const what = bookingText.codeFor.delivery(d.code, b.communeName ?? "");
      if (await requestCode(ctx, deps.codes, { purpose: "BOOKING", subject: d.id, citizenId: d.applicantId, dossierId: d.id, what }, { kind: "book" }, resend)) b.step = "otp";
      return;
    }
    const phone = `+84${b.recipientPhone!.slice(1)}`;
    const citizenId = await deps.bookings.citizenFor(phone, b.recipientName ?? null);
    const what = bookingText.codeFor.collection(b.procedureName ?? "", b.communeName ?? "");
    if (await requestCode(ctx, deps.codes, { purpose: "BOOKING", subject: phone, citizenId, what }, { kind: "book" }, resend, "given")) b.step = "otp";
  };

  /** The code was right: the booking is written for the subject the code was sent for. */
  const book = async (ctx: TurnContext, b: BookingDraft, confirmation: Confirmation) => {
    const { channel, id } = ctx.inbound.conversation;
    const common = {
      kind: b.kind,
      // A chat's bookings are listed in it; the web chat and SMS have none of their own (SMS: the notices go to the phone on record anyway).
      identity: channel === "TELEGRAM" || channel === "ZALO_OA" ? { channel, externalId: id } : null,
      recipientPhone: b.recipientPhone!,
      communeCode: b.communeCode!,
      addressLine: b.addressLine!,
      timeWindow: b.timeWindow!,
      postage: deps.tariff[b.kind],
    };
    let booking;
    if (b.kind === "RESULT_DELIVERY") {
      const d = b.dossierCode ? await deps.lookup.verifyTrusted(b.dossierCode) : null;
      if (!d || d.id !== confirmation.subject) return void ctx.reply({ text: bookingText.needsTracking });
      const applicant = b.recipientIsApplicant !== false;
      const recipientName = applicant ? (d.applicantName ?? `Người nộp hồ sơ ${d.code}`) : b.recipientName!;
      booking = await deps.bookings.create({ ...common, recipientName, recipientIsApplicant: applicant, dossierId: d.id, procedureCode: d.procedureCode, citizenId: d.applicantId }, confirmation);
    } else {
      const citizenId = await deps.bookings.citizenFor(confirmation.subject, b.recipientName!);
      booking = await deps.bookings.create({ ...common, recipientName: b.recipientName!, procedureCode: b.procedureCode ?? null, citizenId }, confirmation);
    }
    ctx.session.booking = undefined;
    ctx.session.bookings = [booking.reference, ...(ctx.session.bookings ?? [])].slice(0, 10);
    const text = booking.alreadyBooked
      ? bookingText.alreadyBooked(booking.reference, booking.timeWindow)
      : b.kind === "DOSSIER_COLLECTION"
        ? bookingText.bookedCollection(booking.reference)
        : bookingText.booked(booking.reference, b.recipientIsApplicant === false);
    ctx.reply({ text, buttons: [[bookingText.myBookingsButton], [{ label: botText.menuButton, data: "menu" }]] });
  };

  return async (ctx, next) => {
    const m = ctx.inbound.message;
    const b = ctx.session.booking;
    const confirmed = await confirmTurn(ctx, deps.codes, ["book", "cancel"], async (confirmation, pending) => {
      if (pending.kind === "book") {
        if (!b) return void ctx.reply({ text: bookingText.aborted });
        return book(ctx, b, confirmation);
      }
      const ref = confirmation.subject;
      const outcome = await deps.bookings.cancelByCitizen(ref, ctx.session.bookings ?? [], ctx.session.verified ?? [], confirmation);
      ctx.reply({ text: outcome === "cancelled" ? bookingText.cancelled(ref) : outcome === "too-late" ? bookingText.tooLate : bookingText.none });
    });
    if (confirmed) return;
    if (m.kind === "button") {
      if (m.data.startsWith("book:")) return start(ctx, m.data.slice(5));
      if (m.data.startsWith("collect:")) return startCollection(ctx, m.data.slice("collect:".length));
      if (m.data === "book-abort") {
        ctx.session.booking = undefined;
        return void ctx.reply({ text: bookingText.aborted, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
      }
      if (m.data === "bookings") {
        const rows = await deps.bookings.forConversation(ctx.session.bookings ?? [], ctx.session.verified ?? []);
        if (rows.length === 0) return void ctx.reply({ text: bookingText.none });
        const cancellable = rows.filter((r) => r.status === "REQUESTED" || r.status === "CONFIRMED");
        return void ctx.reply({
          text: bookingText.list(
            rows.map((r) => ({
              reference: r.reference,
              status: r.status,
              timeWindow: r.timeWindow,
              what: r.kind === "DOSSIER_COLLECTION" ? `nhận hồ sơ ${r.procedure?.name ?? ""}` : `giao kết quả hồ sơ ${r.dossier?.code ?? ""}`,
            })),
          ),
          buttons: cancellable.map((r) => [bookingText.cancelButton(r.reference)]),
        });
      }
      if (m.data.startsWith("cancel-booking:")) {
        const ref = m.data.slice("cancel-booking:".length);
        const found = await deps.bookings.cancellable(ref, ctx.session.bookings ?? [], ctx.session.verified ?? []);
        if (!found || !found.citizenId) return void ctx.reply({ text: bookingText.none });
        if (!found.open) return void ctx.reply({ text: bookingText.tooLate });
        await requestCode(ctx, deps.codes, { purpose: "CANCEL_BOOKING", subject: ref, citizenId: found.citizenId, dossierId: found.dossierId, what: bookingText.codeFor.cancel(ref) }, { kind: "cancel", target: ref }, m.data);
        return;
      }
      if (b && m.data.startsWith("commune:") && b.step === "commune") {
        // Only a commune: the button's data comes from the client, and a province (or any other
        // unit) as the address would take the booking off its commune's desk.
        const u = await deps.units.get(m.data.slice("commune:".length));
        if (!u || u.level !== "COMMUNE") return void ctx.reply({ text: bookingText.noCommune, buttons: [ABORT] });
        b.communeCode = u.code;
        b.communeName = `${u.fullName}, ${u.provinceName ?? ""}`.replace(/, $/, "");
        b.step = "address";
        return askNext(ctx, b);
      }
      if (b && m.data.startsWith("window:") && b.step === "window") {
        // Only a window the bot offered: the button's data comes from the client, and it reaches the post office and the notices.
        if (!bookingText.windows.flat().some((w) => w.data === m.data)) return askNext(ctx, b);
        b.timeWindow = m.data.slice("window:".length);
        b.step = "confirm";
        return askNext(ctx, b);
      }
      if (b && m.data === "book-confirm" && (b.step === "confirm" || b.step === "otp")) return sendBookingCode(ctx, b, m.data);
      if (b && m.data.startsWith("recipient:") && b.step === "who") {
        b.recipientIsApplicant = m.data === "recipient:applicant";
        if (b.recipientIsApplicant) {
          const d = b.dossierCode ? await deps.lookup.verifyTrusted(b.dossierCode) : null;
          if (!d) return void ctx.reply({ text: bookingText.needsTracking });
          b.recipientName = undefined; // the name on record, filled in when the booking is written
          b.step = "phone";
        } else {
          b.step = "name";
        }
        return askNext(ctx, b);
      }
      return next();
    }
    if (m.kind !== "text") return next();
    if (b && (b.step === "name" || b.step === "address") && asksAboutProcedure(m.text)) {
      // "lệ phí bao nhiêu?" typed where the name or the address is awaited is a question, not the
      // answer: it is answered, and the booking's question asked again, nothing stored
      await next();
      return askNext(ctx, b);
    }
    if (b) return step(ctx, b, m.text);
    if (new Utterance(m.text, COMPOUNDS).is(INTENTS.delivery)) return start(ctx, ctx.session.verified?.[0]);
    return next();
  };
}
