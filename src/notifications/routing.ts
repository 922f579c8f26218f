/**
 * Which channels a notice tries, in which order: a policy, not code paths.
 *
 * Default order: Telegram wherever linked (free, instant), Zalo OA when the citizen follows the OA
 * and interacted within the last 7 days (free customer-service message), ZNS to the phone (an
 * approved template), SMS to the phone. A citizen's own preferences come first; opt-outs always
 * win, per channel and for everything.
 */
import type { DeliveryChannel } from "../channels/channel.js";

export const DEFAULT_ORDER: DeliveryChannel[] = ["TELEGRAM", "ZALO_OA", "ZNS", "SMS"];
export const ZALO_INTERACTION_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface IdentityFacts {
  channel: DeliveryChannel | "WEB" | "SANDBOX";
  externalId: string;
  optedOut: boolean;
  reachable: boolean;
  lastInteractionAt: Date | null;
}

export interface RecipientFacts {
  /** E.164, or null when unknown / not a mobile number. */
  phone: string | null;
  optedOut: boolean;
  preferredChannels: DeliveryChannel[];
  identities: IdentityFacts[];
}

export interface RoutingOptions {
  now: Date;
  /** ZNS can only send an approved template: false when this notice type has none. */
  znsTemplateAvailable: boolean;
}

export interface PlannedChannel {
  channel: DeliveryChannel;
  recipient: string;
}

function identityFor(facts: RecipientFacts, channel: DeliveryChannel): IdentityFacts | undefined {
  return facts.identities.find((i) => i.channel === channel);
}

function phoneChannelOptedOut(facts: RecipientFacts, channel: "ZNS" | "SMS"): boolean {
  return facts.identities.some((i) => i.channel === channel && i.optedOut);
}

export function planChannels(facts: RecipientFacts, options: RoutingOptions): PlannedChannel[] {
  if (facts.optedOut) return [];
  const order = [...new Set([...facts.preferredChannels.filter((c) => DEFAULT_ORDER.includes(c)), ...DEFAULT_ORDER])];
  const plan: PlannedChannel[] = [];
  for (const channel of order) {
    switch (channel) {
      case "TELEGRAM": {
        const id = identityFor(facts, "TELEGRAM");
        if (id && !id.optedOut && id.reachable) plan.push({ channel, recipient: id.externalId });
        break;
      }
      case "ZALO_OA": {
        const id = identityFor(facts, "ZALO_OA");
        const recent = !id?.lastInteractionAt || options.now.getTime() - id.lastInteractionAt.getTime() <= ZALO_INTERACTION_WINDOW_MS;
        if (id && !id.optedOut && id.reachable && recent) plan.push({ channel, recipient: id.externalId });
        break;
      }
      case "ZNS":
        if (facts.phone && options.znsTemplateAvailable && !phoneChannelOptedOut(facts, "ZNS")) plan.push({ channel, recipient: facts.phone });
        break;
      case "SMS":
        if (facts.phone && !phoneChannelOptedOut(facts, "SMS")) plan.push({ channel, recipient: facts.phone });
        break;
    }
  }
  return plan;
}
