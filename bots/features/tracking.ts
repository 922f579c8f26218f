/**
 * "Where is my dossier?": a code (typed, pasted with other text, or in a link), then proof — the
 * last 4 digits of the applicant's phone, or the citizen's own contact on Telegram (or the proof
 * in the code's own message: "… sđt đuôi 5678"). Wrong proof
 * reveals nothing, not even whether the code exists. Wrong proofs are counted in PostgreSQL by
 * DossierLookupService, per dossier code across every channel and conversation and per client
 * (the web chat's IP address, the Telegram or Zalo chat); when either is full the look-up pauses
 * with one answer that points to the desk. A verified citizen may receive future notices here,
 * after a one-time code sent to the applicant's phone. The status offers home delivery of the
 * result only where the procedure's data allows it (src/catalog/submission.ts: the postal flag,
 * and no step in person to receive it — where there is one, the status says so instead).
 */
import type { CatalogService } from "../../src/catalog/catalog-service.js";
import { resultInPerson, submissionOf } from "../../src/catalog/submission.js";
import type { DossierLookupService, LookupClient, Proof, VerifiedDossier } from "../../src/dossiers/lookup-service.js";
import type { SubscriptionService } from "../../src/subscriptions/subscription-service.js";
import type { OneTimeCodeService } from "../../src/verification/one-time-codes.js";
import { toE164 } from "../../src/dossiers/event-schema.js";
import { STATUS_LABELS } from "../../src/notifications/messages/vi.js";
import type { Feature, TurnContext } from "../engine/engine.js";
import { Utterance } from "../intents/match.js";
import { COMPOUNDS, INTENTS } from "../intents/vocabulary.js";
import { bookingText, botText, trackingText } from "../messages/vi.js";
import { confirmTurn, requestCode } from "./confirm.js";

const BOOKING_CLOSED = new Set(["RETURNED", "DELIVERED", "REFUSED", "WITHDRAWN", "STOPPED", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY"]);

const CODE_IN_TEXT = /[A-Z0-9][A-Z0-9._]{0,40}-\d{6}(?:\d{2})?-\d{2,10}/;
/** Look-ups (proofs checked) a conversation may make in ten minutes, right or wrong. */
const LOOKUPS_PER_10_MIN = 20;

export function isTrackingQuestion(text: string): boolean {
  const said = new Utterance(text, COMPOUNDS);
  return !said.is(INTENTS.procedureQuestion) && said.is(INTENTS.tracking);
}

/**
 * The proof a citizen typed while a look-up waits for it: the 4 digits alone or in a sentence
 * ("4 số cuối là 5678"), or the whole phone number ("0912 345 678"), compared in full.
 */
export function proofInText(text: string): Proof | null {
  const compact = text.replace(/(\d)[\s.-](?=\d)/g, "$1");
  const groups = compact.match(/\+?\d+/g) ?? [];
  const phones = groups.filter((g) => g.replace(/\D/g, "").length >= 9);
  if (phones.length === 1) {
    const e164 = toE164(phones[0]!);
    return { kind: "phone", e164: e164 ?? "invalid" };
  }
  const fours = groups.filter((g) => /^\d{4}$/.test(g));
  if (phones.length === 0 && fours.length === 1) return { kind: "digits", digits: fours[0]! };
  return null;
}

/**
 * The proof in a message that also holds the dossier code: the whole phone number, or 4 digits the
 * message says are the phone's ("sđt đuôi 5678") — other digits beside a code ("nộp năm 2026") are
 * not taken for a proof, which would count as a wrong one.
 */
export function proofWithCode(text: string, code: string): Proof | null {
  const rest = decodeEscapes(text).toUpperCase().split(code).join(" ");
  const proof = proofInText(rest);
  return proof && (proof.kind === "phone" || new Utterance(rest, COMPOUNDS).is(INTENTS.phoneWords)) ? proof : null;
}

/** Percent-escapes decoded one at a time (a link's "%2E"); a stray or broken one ("100%", "%E0%A4%A") is left as typed. */
function decodeEscapes(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

export function findDossierCode(text: string): string | null {
  return decodeEscapes(text).toUpperCase().match(CODE_IN_TEXT)?.[0] ?? null;
}

/** Who is guessing: the web chat's client IP address (as the adapter saw it), or the chat itself (by SMS: the phone). */
export function lookupClient(ctx: TurnContext): LookupClient {
  const { channel, id } = ctx.inbound.conversation;
  return channel === "WEB" ? { channel, key: ctx.inbound.client?.ip ?? "unknown" } : { channel, key: id };
}

export function trackingFeature(
  deps: { lookup: DossierLookupService; subscriptions: SubscriptionService; codes: OneTimeCodeService; catalog: CatalogService },
): Feature {
  const { lookup } = deps;
  const askProof = (ctx: TurnContext, code: string) => {
    const telegram = ctx.inbound.conversation.channel === "TELEGRAM";
    ctx.reply({
      text: telegram ? `${trackingText.askProof(code)}\n${trackingText.askProofTelegram}` : trackingText.askProof(code),
      buttons: telegram ? [[trackingText.shareContactButton]] : [[{ label: botText.menuButton, data: "menu" }]],
    });
  };

  const check = async (ctx: TurnContext, code: string, proof: Proof) => {
    const { channel, id } = ctx.inbound.conversation;
    if (!(await ctx.sessions.allow(channel, id, "lookups", LOOKUPS_PER_10_MIN, 600))) return void ctx.reply({ text: trackingText.tooManyLookups });
    const outcome = await lookup.verify(code, proof, lookupClient(ctx));
    if (outcome.result === "locked") {
      return void ctx.reply({ text: trackingText.locked, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    }
    if (outcome.result === "no-match") return void ctx.reply({ text: trackingText.noMatch, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    const dossier = outcome.dossier;
    ctx.session.pendingCode = undefined;
    ctx.session.verified = [dossier.code, ...(ctx.session.verified ?? []).filter((c) => c !== dossier.code)].slice(0, 5);
    await showStatus(ctx, dossier);
  };

  const showStatus = async (ctx: TurnContext, d: VerifiedDossier) => {
    // A chat may be subscribed to the dossier's notices; the web chat cannot be reached, and by SMS
    // the notices already go to the phone on record.
    const canNotify = ctx.inbound.conversation.channel === "TELEGRAM" || ctx.inbound.conversation.channel === "ZALO_OA";
    const open = d.channel !== "POSTAL" && !BOOKING_CLOSED.has(d.status);
    const p = open && d.postalReturn === true && d.procedureCode ? await deps.catalog.get(d.procedureCode) : undefined;
    const canBook = p !== undefined && submissionOf(p).resultByPost === true;
    // the flag allows post, but the citizen must be there to receive the result: no offer, and why
    const inPerson = p && !canBook ? resultInPerson(p) : [];
    const buttons = [
      ...(canBook ? [[bookingText.offerButton(d.code)]] : []),
      ...(canNotify ? [[trackingText.subscribeButton(d.code)]] : []),
      [bookingText.myBookingsButton, { label: botText.menuButton, data: "menu" }],
    ];
    const status = trackingText.status(d, STATUS_LABELS);
    ctx.reply({ text: inPerson.length ? `${status}\n${bookingText.resultNeedsPresence(inPerson)}` : status, buttons });
  };

  return async (ctx, next) => {
    const m = ctx.inbound.message;
    const { channel, id } = ctx.inbound.conversation;
    const confirmed = await confirmTurn(ctx, deps.codes, ["subscribe"], async (confirmation) => {
      const d = channel === "TELEGRAM" || channel === "ZALO_OA" ? await lookup.byId(confirmation.subject) : null;
      if (!d || (channel !== "TELEGRAM" && channel !== "ZALO_OA")) return void ctx.reply({ text: trackingText.subscribeNeedsProof });
      await deps.subscriptions.subscribeDossier(d, channel, id, confirmation);
      ctx.reply({ text: trackingText.subscribed(d.code) });
    });
    if (confirmed) return;
    if (m.kind === "button" && m.data === "track") {
      ctx.session.pendingCode = undefined;
      return void ctx.reply({ text: trackingText.askCode });
    }
    if (m.kind === "button" && m.data.startsWith("subscribe:")) {
      const code = m.data.slice("subscribe:".length);
      if (!(ctx.session.verified ?? []).includes(code) || (channel !== "TELEGRAM" && channel !== "ZALO_OA")) return void ctx.reply({ text: trackingText.subscribeNeedsProof });
      const dossier = await lookup.verifyTrusted(code);
      if (!dossier) return void ctx.reply({ text: trackingText.subscribeNeedsProof });
      await requestCode(ctx, deps.codes, { purpose: "SUBSCRIBE", subject: dossier.id, citizenId: dossier.applicantId, dossierId: dossier.id, what: trackingText.codeFor(code, channel) }, { kind: "subscribe", target: code }, m.data);
      return;
    }
    if (m.kind === "contact") {
      if (!ctx.session.pendingCode) return next();
      if (!m.own) return void ctx.reply({ text: trackingText.notOwnContact, buttons: [[trackingText.shareContactButton]] });
      const e164 = toE164(m.phone);
      return check(ctx, ctx.session.pendingCode, { kind: "phone", e164: e164 ?? "invalid" });
    }
    if (m.kind !== "text") return next();
    const code = findDossierCode(m.text);
    if (code) {
      if (await lookup.locked(code, lookupClient(ctx))) {
        ctx.session.pendingCode = code; // digits sent next get the same answer, not a catalog search
        return void ctx.reply({ text: trackingText.locked, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
      }
      if ((ctx.session.verified ?? []).includes(code)) {
        const d = await lookup.verifyTrusted(code);
        if (d) return showStatus(ctx, d);
      }
      ctx.session.pendingCode = code;
      // the proof given with the code ("… sđt đuôi 5678", or the whole phone number) is checked at once
      const proof = proofWithCode(m.text, code);
      if (proof) return check(ctx, code, proof);
      return askProof(ctx, code);
    }
    if (ctx.session.pendingCode) {
      const proof = proofInText(m.text);
      if (proof) return check(ctx, ctx.session.pendingCode, proof);
    }
    if (isTrackingQuestion(m.text)) return void ctx.reply({ text: trackingText.askCodeForQuestion, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return next();
  };
}
