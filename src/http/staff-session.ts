/**
 * The staff console's session at the HTTP edge — the contract every console route follows:
 *
 * - The `motcua_staff` cookie (HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS) names a session
 *   (src/auth/staff-accounts.ts). `sessionAuthenticator` is one of the guard's authenticators
 *   (installed by buildHttpServer for every server): on a guarded route without an
 *   Authorization header, it finds the session and gives the guard its principal
 *   `{ kind: "session", id, name, role, unitCode }`, judged by the same PERMISSIONS and ROUTES as
 *   an API key of that role and unit. It also sets `request.staffSession` (who, unit name, …) and
 *   `request.csrfToken` (to put in forms as `_csrf`).
 * - While the account must choose a new password, a session may use only PASSWORD_CHANGE_ROUTES;
 *   anything else is 403 PASSWORD_CHANGE_REQUIRED (a console page redirects to /staff/password).
 * - CSRF: a POST/PUT/PATCH/DELETE made with a session must carry the session's token in the
 *   `X-CSRF-Token` header or the `_csrf` form field; otherwise 403 CSRF_FAILED before the route
 *   runs. Checked in a preHandler (after the body is parsed). Bearer API keys need none.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Env } from "../config/env.js";
import { AppError } from "../errors.js";
import { SESSION_COOKIE, StaffAccounts, type StaffSession } from "../auth/staff-accounts.js";
import type { Authenticator } from "./auth.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in staff member, on a guarded route reached with a session cookie. */
    staffSession?: StaffSession;
    /** The session's CSRF token: pages put it in every form as `_csrf`. */
    csrfToken?: string;
  }
}

/** What a session may do while its password must be changed (`METHOD url` as registered). */
export const PASSWORD_CHANGE_ROUTES = new Set([
  "GET /api/v1/auth/me",
  "POST /api/v1/auth/logout",
  "POST /api/v1/auth/password",
  "GET /staff/password",
  "POST /staff/password",
  "POST /staff/logout",
]);

export class PasswordChangeRequiredError extends AppError {
  constructor() {
    super("PASSWORD_CHANGE_REQUIRED", "Bạn cần đổi mật khẩu trước khi làm việc khác: POST /api/v1/auth/password hoặc trang /staff/password (choose a new password first).");
  }
}

export class CsrfError extends AppError {
  constructor() {
    super("CSRF_FAILED", "Thiếu hoặc sai mã chống giả mạo (CSRF): gửi X-CSRF-Token hoặc trường _csrf của phiên (missing or wrong CSRF token).");
  }
}

const routeKey = (request: FastifyRequest) => `${request.method === "HEAD" ? "GET" : request.method} ${request.routeOptions.url}`;

/** The session named by the request's cookie, or null (no cookie, ended, expired, account disabled). */
export async function sessionOf(request: FastifyRequest, accounts: StaffAccounts): Promise<StaffSession | null> {
  if (request.staffSession) return request.staffSession;
  const session = await accounts.resume(request.cookies?.[SESSION_COOKIE]);
  if (session) {
    request.staffSession = session;
    request.csrfToken = session.csrfToken;
  }
  return session;
}

/** The guard's authenticator for the console's session cookie. */
export function sessionAuthenticator(accounts: StaffAccounts): Authenticator {
  return async (request) => {
    const session = await sessionOf(request, accounts);
    if (!session) return null;
    if (session.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(routeKey(request))) throw new PasswordChangeRequiredError();
    return session.principal;
  };
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The CSRF check for every state-changing request made with a session. */
export function installCsrfCheck(app: FastifyInstance): void {
  app.addHook("preHandler", async (request) => {
    if (request.principal?.kind !== "session" || !UNSAFE_METHODS.has(request.method)) return;
    const header = request.headers["x-csrf-token"];
    const field = request.body !== null && typeof request.body === "object" ? (request.body as Record<string, unknown>)._csrf : undefined;
    const token = typeof header === "string" ? header : field;
    if (!request.staffSession || !StaffAccounts.csrfMatches(request.staffSession, token)) throw new CsrfError();
  });
}

function secure(request: FastifyRequest, env: Env): boolean {
  return env.PUBLIC_BASE_URL.startsWith("https:") || request.protocol === "https";
}

/** Sets the session cookie (no Max-Age: the server's idle expiry decides how long it lasts). */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: StaffSession, env: Env): void {
  reply.setCookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: "lax", path: "/", secure: secure(request, env) });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, env: Env): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "lax", path: "/", secure: secure(request, env) });
}

/** The signed-in member as the API answers it. */
export function sessionView(session: StaffSession) {
  return {
    id: session.principal.id,
    username: session.username,
    fullName: session.fullName,
    role: session.role,
    unit: session.unitCode ? { code: session.unitCode, name: session.unitName } : null,
    mustChangePassword: session.mustChangePassword,
    csrfToken: session.csrfToken,
  };
}
