/**
 * Staff sign-in for the console, as JSON: sign in (sets the `motcua_staff` session cookie), who am
 * I, change my password, sign out. See src/http/staff-session.ts for the session's contract
 * (cookie, CSRF token, the password-change gate).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { ForbiddenError } from "../../auth/guard.js";
import { PASSWORD_MAX_LENGTH } from "../../auth/passwords.js";
import type { StaffAccounts, StaffSession } from "../../auth/staff-accounts.js";
import type { Env } from "../../config/env.js";
import { AppError } from "../../errors.js";
import { requirePrincipal } from "../auth.js";
import { clientKey } from "../client-address.js";
import { parseOrThrow } from "../errors.js";
import { errorResponse, guardResponses, jsonBody, jsonResponse, schemaOf, type PathItems } from "../openapi/zod-paths.js";
import { clearSessionCookie, sessionView, setSessionCookie } from "../staff-session.js";

export const loginBody = z.object({
  username: z.string().trim().min(1, "cần tên đăng nhập").max(64, "tên đăng nhập quá dài"),
  password: z.string().min(1, "cần mật khẩu").max(PASSWORD_MAX_LENGTH, "mật khẩu quá dài"),
});

export const passwordBody = z.object({
  currentPassword: z.string().min(1, "cần mật khẩu hiện tại").max(PASSWORD_MAX_LENGTH, "mật khẩu quá dài"),
  newPassword: z.string().min(1, "cần mật khẩu mới").max(PASSWORD_MAX_LENGTH, "mật khẩu quá dài"),
});

const sessionSchema = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  role: z.enum(["COMMUNE_STAFF", "POST_OFFICE_STAFF", "ADMIN"]),
  unit: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  mustChangePassword: z.boolean(),
  csrfToken: z.string().describe("Send it as X-CSRF-Token (or the _csrf form field) with every POST/PUT/PATCH/DELETE made with this session."),
});

/** The session of a request the guard let in with a session (not an API key). */
function sessionOnly(request: FastifyRequest): StaffSession {
  requirePrincipal(request);
  if (!request.staffSession) throw new ForbiddenError("Chỉ dùng được khi đăng nhập bằng phiên, không bằng khóa API (only with a signed-in session, not an API key).");
  return request.staffSession;
}

export function registerAuthRoutes(app: FastifyInstance, deps: { accounts: StaffAccounts; env: Env }): void {
  app.post("/api/v1/auth/login", async (request, reply) => {
    // JSON only: a form posted from another site (no preflight) must not sign anyone in.
    if (!/^application\/json\b/i.test(request.headers["content-type"] ?? "")) {
      throw new AppError("VALIDATION_FAILED", "Gửi JSON (Content-Type: application/json) gồm username và password (send JSON).", { field: "body" });
    }
    const body = parseOrThrow(loginBody, request.body ?? {}, "body");
    const session = await deps.accounts.signIn(body.username, body.password, clientKey(request.ip));
    setSessionCookie(request, reply, session, deps.env);
    return sessionView(session);
  });

  app.get("/api/v1/auth/me", async (request) => {
    const principal = requirePrincipal(request);
    if (request.staffSession) return sessionView(request.staffSession);
    return { id: principal.id, kind: principal.kind, fullName: principal.name, role: principal.role, unit: principal.unitCode ? { code: principal.unitCode, name: null } : null, mustChangePassword: false };
  });

  app.post("/api/v1/auth/password", async (request, reply) => {
    const session = sessionOnly(request);
    const body = parseOrThrow(passwordBody, request.body ?? {}, "body");
    const next = await deps.accounts.changePassword(session, body.currentPassword, body.newPassword, clientKey(request.ip));
    setSessionCookie(request, reply, next, deps.env);
    return sessionView(next);
  });

  app.post("/api/v1/auth/logout", async (request, reply) => {
    const session = sessionOnly(request);
    await deps.accounts.endSession(session.id);
    clearSessionCookie(request, reply, deps.env);
    return reply.code(204).send();
  });
}

const sessionSecurity = [{ staffSession: [] }];

export const authPaths: PathItems = {
  "/api/v1/auth/login": {
    post: {
      summary: "Sign in to the staff console",
      description:
        "Answers the staff member and sets the `motcua_staff` session cookie (HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS). The session ends after STAFF_SESSION_IDLE_SECONDS without a request. JSON only. The same 401 for an unknown user, a wrong password and a disabled account; STAFF_LOCKOUT_FAILURES failures lock the username for STAFF_LOCKOUT_SECONDS (429 with Retry-After), and too many from one address refuse it alike.",
      tags: ["staff console"],
      requestBody: jsonBody(loginBody),
      responses: {
        "200": jsonResponse("Signed in.", schemaOf(sessionSchema, "output")),
        "400": errorResponse("Not JSON, or a field missing."),
        "401": errorResponse("Wrong username or password (or a disabled account)."),
        "429": errorResponse("The username or this address is locked for a while (Retry-After)."),
      },
    },
  },
  "/api/v1/auth/me": {
    get: {
      summary: "Who is signed in",
      tags: ["staff console"],
      security: [{ integrationKey: [] }, { staffSession: [] }],
      responses: { "200": jsonResponse("The signed-in member (with the session's CSRF token).", schemaOf(sessionSchema, "output")), ...guardResponses },
    },
  },
  "/api/v1/auth/password": {
    post: {
      summary: "Change my password",
      description:
        "The current password must be right (a wrong one counts toward the sign-in lock); the new one needs at least 10 characters, must not be the username or the current password, nor a common one. Every session of the account ends; the answer sets a new session cookie and gives its new CSRF token. Needs X-CSRF-Token.",
      tags: ["staff console"],
      security: sessionSecurity,
      requestBody: jsonBody(passwordBody),
      responses: {
        "200": jsonResponse("Changed; a new session.", schemaOf(sessionSchema, "output")),
        "400": errorResponse("Wrong current password, or the new one does not meet the policy."),
        ...guardResponses,
        "429": errorResponse("Locked after too many wrong passwords (Retry-After)."),
      },
    },
  },
  "/api/v1/auth/logout": {
    post: {
      summary: "Sign out",
      tags: ["staff console"],
      security: sessionSecurity,
      responses: { "204": { description: "Signed out; the cookie is cleared and the session ended." }, ...guardResponses },
    },
  },
};

