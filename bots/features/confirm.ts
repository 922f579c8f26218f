/**
 * The one-time code step shared by every action that changes something for a dossier (a booking,
 * a cancellation, a subscription): the code goes to the phone on record, the bot says where
 * ("đuôi …78") — or, when that phone stopped our SMS and ZNS cannot carry it, that no code went and
 * what to do — and the action runs only on the subject the code was issued for.
 */
import type { CodeRequest, Confirmation, OneTimeCodeService } from "../../src/verification/one-time-codes.js";
import type { TurnContext } from "../engine/engine.js";
import type { PendingConfirmation } from "../engine/types.js";
import { botText, confirmText } from "../messages/vi.js";

export const conversationKey = (ctx: TurnContext) => `${ctx.inbound.conversation.channel}:${ctx.inbound.conversation.id}`;
/** Who asks for a code: the web chat's IP address (a new cookie is free), or the Telegram / Zalo chat. */
const clientKey = (ctx: TurnContext) => (ctx.inbound.conversation.channel === "WEB" ? `WEB:${ctx.inbound.client?.ip ?? "unknown"}` : conversationKey(ctx));

/** A 6-digit code as typed ("123456", "123 456", "mã là 123-456"); null otherwise. */
export function typedCode(text: string): string | null {
  const groups = text.replace(/(\d)[\s.-](?=\d)/g, "$1").match(/\d+/g) ?? [];
  return groups.length === 1 && groups[0]!.length === 6 ? groups[0]! : null;
}

/** Sends a code for `request`, and makes the conversation wait for it (`pending` says what runs then). */
export async function requestCode(
  ctx: TurnContext,
  codes: OneTimeCodeService,
  request: Omit<CodeRequest, "conversation" | "client">,
  pending: Omit<PendingConfirmation, "challengeId" | "phoneTail">,
  resendData: string,
  to: "applicant" | "given" = "applicant",
): Promise<boolean> {
  const issued = await codes.issue({ ...request, conversation: conversationKey(ctx), client: clientKey(ctx) });
  if (issued.result === "too-many") {
    ctx.session.confirm = undefined;
    ctx.reply({ text: confirmText.tooMany, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return false;
  }
  if (issued.result === "no-phone") {
    ctx.session.confirm = undefined;
    ctx.reply({ text: confirmText.noPhone, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return false;
  }
  if (issued.result === "unreachable") {
    // Never "sent" when nothing can go: the phone stopped our SMS and ZNS cannot carry the code.
    ctx.session.confirm = undefined;
    ctx.reply({ text: confirmText.smsStopped(to, issued.phoneTail), buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return false;
  }
  // "Sent" only once a provider took it: the bot waits a moment for the notice, and says so when
  // nothing could carry it (ZNS refused it and the phone stopped our SMS) or it is still on its way.
  const delivery = await codes.awaitDelivery(issued.challengeId);
  if (delivery === "failed") {
    ctx.session.confirm = undefined;
    if (pending.kind === "book") ctx.session.booking = undefined;
    ctx.reply({ text: confirmText.notSent(to, issued.phoneTail), buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return false;
  }
  ctx.session.confirm = { ...pending, challengeId: issued.challengeId, phoneTail: issued.phoneTail, to };
  ctx.reply({
    text: confirmText.sent(pending.kind, to, issued.phoneTail, issued.channels, delivery === "sent"),
    buttons: [[confirmText.resendButton(resendData), confirmText.abortButton]],
  });
  return true;
}

/**
 * Handles a turn while a code of one of `kinds` is awaited: a typed code is checked (the action
 * runs with the confirmation), anything else asks for the code again. False when not waiting.
 */
export async function confirmTurn(
  ctx: TurnContext,
  codes: OneTimeCodeService,
  kinds: PendingConfirmation["kind"][],
  onConfirmed: (confirmation: Confirmation, pending: PendingConfirmation) => Promise<void>,
): Promise<boolean> {
  const pending = ctx.session.confirm;
  const m = ctx.inbound.message;
  if (!pending || !kinds.includes(pending.kind)) return false;
  if (m.kind === "button" && m.data === "confirm-abort") {
    ctx.session.confirm = undefined;
    if (pending.kind === "book") ctx.session.booking = undefined;
    ctx.reply({ text: confirmText.aborted, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return true;
  }
  if (m.kind !== "text") return false;
  // A code said to be on its way that then reached no phone: said so, never "type the code" again.
  if ((await codes.deliveryOf(pending.challengeId)) === "failed") {
    ctx.session.confirm = undefined;
    if (pending.kind === "book") ctx.session.booking = undefined;
    ctx.reply({ text: confirmText.notSent(pending.to ?? "applicant", pending.phoneTail), buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return true;
  }
  const code = typedCode(m.text);
  if (!code) {
    ctx.reply({ text: confirmText.askAgain(pending.phoneTail), buttons: [[confirmText.abortButton]] });
    return true;
  }
  const outcome = await codes.check(pending.challengeId, code, conversationKey(ctx));
  if (outcome.result === "wrong") {
    ctx.reply({ text: confirmText.wrong(outcome.triesLeft), buttons: [[confirmText.abortButton]] });
    return true;
  }
  ctx.session.confirm = undefined;
  if (outcome.result === "void") {
    if (pending.kind === "book") ctx.session.booking = undefined;
    ctx.reply({ text: confirmText.void, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return true;
  }
  await onConfirmed(outcome.confirmation, pending);
  return true;
}
