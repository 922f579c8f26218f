/**
 * The guard at the HTTP edge: before a route in the guard's ROUTES table runs (and before its body
 * is read), the request's principal is found and authorized for the route's action; the route
 * finds it in `request.principal`. Unit checks on what the route touches are the route's or its
 * service's, through the guard's functions (canTouchCommune, unitScope).
 *
 * A principal comes from `Authorization: Bearer <API key>`, or else from the other authenticators
 * given (the staff console's signed-in session will be one). A credential that is presented and
 * wrong counts as a failed authentication for the client — `clientKey(request.ip)`: an IPv4
 * address or an IPv6 /64, the socket's peer unless TRUST_PROXY names a proxy in front; too many
 * answer 429 with Retry-After.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ApiKeyService } from "../auth/api-keys.js";
import type { FailedAuthLimiter } from "../auth/failed-auth-limiter.js";
import { authorize, ROUTES, SESSION_ENDED, UnauthorizedError, type Action, type Principal } from "../auth/guard.js";
import { SESSION_COOKIE } from "../auth/staff-accounts.js";
import { RateLimitedError } from "../errors.js";
import { clientKey } from "./client-address.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Who a guarded route's request speaks for (set before the route runs). */
    principal?: Principal;
  }
}

/** Finds a principal in a request by other means than an API key (e.g. a session cookie). */
export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

export interface GuardOptions {
  keys: ApiKeyService;
  failures: FailedAuthLimiter;
  /** Actions that need no principal in this deployment (the sandbox outside production). */
  open?: Action[];
  authenticators?: Authenticator[];
}

export function installGuard(app: FastifyInstance, options: GuardOptions): void {
  const open = new Set(options.open ?? []);
  app.addHook("onRequest", async (request) => {
    // Fastify answers HEAD for every GET route with the GET route's handler: guarded alike.
    const method = request.method === "HEAD" ? "GET" : request.method;
    const action = ROUTES[`${method} ${request.routeOptions.url}`];
    if (!action || open.has(action)) return;
    request.principal = authorize(await principalOf(request, options), action);
  });
}

async function principalOf(request: FastifyRequest, options: GuardOptions): Promise<Principal | null> {
  const header = request.headers.authorization;
  const held = (seconds: number) => new RateLimitedError(`Quá nhiều lần xác thực sai từ địa chỉ này; thử lại sau ${seconds} giây (too many failed authentications).`, seconds);
  const keyGiven = header !== undefined && header !== "";
  // A held address may still use a key that proved valid here recently, so for such a key the
  // address's count is not even read (a Redis round trip per request saved); an unknown key is
  // not looked up while the address is held.
  const proven = keyGiven && options.keys.provedValid(header);
  const retryAfter = proven ? null : await options.failures.retryAfter(clientKey(request.ip));
  if (retryAfter !== null && keyGiven) throw held(retryAfter);
  if (keyGiven) {
    const principal = await options.keys.authenticate(header);
    if (principal) return principal;
    await options.failures.recordFailure(clientKey(request.ip)).catch((error: unknown) => request.log.warn({ err: error }, "failed authentication not counted"));
    throw new UnauthorizedError();
  }
  // A held address may still use a signed-in session (its id cannot be guessed: others behind the
  // same address, a commune office's NAT, are not locked out by someone else's wrong keys).
  for (const authenticate of options.authenticators ?? []) {
    const principal = await authenticate(request);
    if (principal) return principal;
  }
  if (retryAfter !== null) throw held(retryAfter);
  // A session cookie that no longer names a session (signed out, expired, password reset, account
  // disabled) is told so, not that an API key is missing.
  if (request.cookies?.[SESSION_COOKIE]) throw new UnauthorizedError(SESSION_ENDED);
  return null;
}

/** The principal the guard set for this request (only guarded routes have one). */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}
