/** Per-provider error classification (providers.md), as pure functions. */
import { ChannelError, type FailureClass } from "./channel.js";

const ZALO: Record<number, FailureClass> = {
  [-32]: "retry", // rate limit
  [-201]: "fallback", // invalid parameter
  [-211]: "fallback", // out of quota
  [-213]: "fallback", // not a follower
  [-216]: "refresh", // access token invalid
  [-220]: "refresh", // access token expired
  [-227]: "fallback", // inactive > 45 days
  [-230]: "fallback", // no interaction in 7 days
  [-232]: "fallback", // interaction expired
  [-234]: "defer", // night ban
};

const ZNS: Record<number, FailureClass> = {
  [-32]: "retry",
  [-108]: "fallback", // invalid phone
  [-109]: "fallback", // invalid template
  [-1121]: "fallback", // parameter too long
  [-1122]: "fallback", // missing parameter
  [-114]: "fallback", // user cannot receive
  [-115]: "fallback", // out of quota / balance
  [-117]: "fallback", // no permission for template
  [-118]: "fallback", // no Zalo account
  [-124]: "refresh", // invalid access token
  [-131]: "fallback", // template not approved
  [-133]: "defer", // night send
  [-144]: "fallback", // daily limit
  [-146]: "fallback", // template disabled
  [-216]: "refresh",
  [-220]: "refresh",
};

export function zaloError(code: number, message: string, api: "oa" | "zns"): ChannelError {
  const table = api === "oa" ? ZALO : ZNS;
  // Unknown codes: retried a bounded number of times, then the router falls back.
  const failure = table[code] ?? "retry";
  return new ChannelError(failure, String(code), `Zalo ${api.toUpperCase()} error ${code}: ${message}`);
}

/**
 * A provider's `retry_after` (seconds), as a wait the notice store can write: a number from 1 s to
 * an hour; anything else (missing, not a number, negative, years) is read as 1 s or an hour.
 */
export function retryAfterMs(seconds: unknown): number {
  const s = typeof seconds === "number" && Number.isFinite(seconds) ? seconds : 1;
  return Math.round(Math.min(3600, Math.max(1, s)) * 1000);
}

export function telegramError(status: number, description: string, retryAfterSeconds?: number): ChannelError {
  if (status === 429) return new ChannelError("retry", "429", description, retryAfterMs(retryAfterSeconds));
  if (status === 403) return new ChannelError("fallback", "403", description); // blocked, kicked, deactivated
  if (status === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(description)) return new ChannelError("fallback", "400", description);
  if (status === 401) return new ChannelError("fallback", "401", `bot token refused: ${description}`);
  if (status >= 500) return new ChannelError("retry", String(status), description);
  return new ChannelError("fallback", String(status), description);
}

const TWILIO_FALLBACK = new Set([21211, 21214, 21612, 21614, 21408, 21606, 30003, 30005, 30006, 30007, 30008]);

export function twilioError(status: number, code: number | undefined, message: string): ChannelError {
  if (code === 21610) return new ChannelError("opted_out", "21610", message); // replied STOP
  if (status === 429 || code === 20429) return new ChannelError("retry", String(code ?? 429), message);
  if (status >= 500) return new ChannelError("retry", String(code ?? status), message);
  if (code !== undefined && TWILIO_FALLBACK.has(code)) return new ChannelError("fallback", String(code), message);
  if (status === 401 || code === 20003) return new ChannelError("fallback", String(code ?? 401), `credentials refused: ${message}`);
  return new ChannelError("fallback", String(code ?? status), message);
}

/** Failures that prove the request never reached the provider: no connection was made. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ERR_INVALID_URL", "CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "ERR_TLS_CERT_ALTNAME_INVALID"]);

/**
 * Network-level failures. A refused connection never reached the provider: retried. A time-out
 * or a connection cut mid-call may have been accepted on the other side: `maybeSent`, so the
 * sender asks the provider before anything is sent again (or records the outcome as unknown).
 */
export function networkError(error: unknown, provider: string): ChannelError {
  const e = error as { code?: string; message?: string; name?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? e.name ?? "NETWORK";
  return new ChannelError("retry", code, `${provider} unreachable: ${e.message ?? code}`, undefined, !NEVER_SENT.has(code));
}
