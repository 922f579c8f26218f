/**
 * The staff console's shell: sign in, change password, sign out, and the home page (what needs
 * attention in the unit). How any console page works (the contract for the other console pages):
 *
 * - Register the route at a URL under /staff and add `"METHOD /staff/…": "<action>"` to the
 *   guard's ROUTES. The guard finds the session (or a bearer key) before the route runs; without
 *   one, a console page redirects to /staff/login?next=<the page> (303) instead of answering JSON
 *   401; a member who must change their password is sent to /staff/password; other errors (403,
 *   404, …) come back as an HTML page (`sendConsoleError`, from the app's error handler).
 * - In the handler: `requirePrincipal(request)` is who asks (the guard's principal, for unit
 *   checks); `sendConsolePage(request, reply, "staff/<view>", { current: "<nav key>", … })` renders
 *   a view that extends "staff/_console.njk", which gets `staff` (the signed-in member),
 *   `perms` (action → allowed) and `csrfToken` added.
 * - Every form that posts puts `<input type="hidden" name="_csrf" value="{{ csrfToken }}">`; the
 *   CSRF check (src/http/staff-session.ts) refuses a POST without it (403 CSRF_FAILED).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can, PERMISSIONS, type Action } from "../auth/guard.js";
import { PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, safeNextPath } from "../auth/passwords.js";
import type { StaffAccounts } from "../auth/staff-accounts.js";
import type { Env } from "../config/env.js";
import { AppError, RateLimitedError, ValidationError } from "../errors.js";
import { requirePrincipal } from "../http/auth.js";
import { clientKey } from "../http/client-address.js";
import { clearSessionCookie, sessionOf, setSessionCookie } from "../http/staff-session.js";
import { FAILED_WINDOW_DAYS, type StaffConsoleService } from "../staff/console-service.js";
import { sendPage } from "./pages.js";
import type { MonthlyReportService } from "../reports/monthly-report.js";
import { REPORT_TEXT, withoutEnglishGloss } from "../text/staff-vi.js";

const LOGIN_COOKIE = "motcua_login";

/** Whether a request is for a console page (HTML answers, redirect to sign in), by its route or path. */
export function isConsolePage(request: FastifyRequest): boolean {
  const url = request.routeOptions.url ?? request.url.split("?")[0] ?? "";
  return url === "/staff" || url.startsWith("/staff/");
}

/**
 * What every console page's template gets: who is signed in, what they may do, the CSRF token. An
 * error page has them too — a 403's request has a session but no principal (the guard refused it
 * one) — so that it keeps the console's header and navigation.
 */
export function consoleVars(request: FastifyRequest): Record<string, unknown> {
  const session = request.staffSession;
  const principal = request.principal ?? (session && !session.mustChangePassword ? session.principal : undefined);
  const perms = Object.fromEntries((Object.keys(PERMISSIONS) as Action[]).map((a) => [a, principal ? can(principal, a) : false]));
  return {
    principal,
    staff: session ? { fullName: session.fullName, username: session.username, role: session.role, unitCode: session.unitCode, unitName: session.unitName, mustChangePassword: session.mustChangePassword } : null,
    perms,
    csrfToken: request.csrfToken ?? "",
  };
}

/** Renders a console page (a view extending "staff/_console.njk") with the console's variables. */
export function sendConsolePage(request: FastifyRequest, reply: FastifyReply, view: string, vars: Record<string, unknown> = {}, status = 200): FastifyReply {
  return sendPage(reply, view, { ...consoleVars(request), ...vars }, status);
}

const ERROR_PAGES: Partial<Record<number, { heading: string; message: string }>> = {
  400: { heading: "Yêu cầu không hợp lệ", message: "Dữ liệu gửi lên không hợp lệ. Vui lòng quay lại và thử lại." },
  403: { heading: "Không được phép", message: "Vai trò hoặc đơn vị của bạn không được làm việc này." },
  404: { heading: "Không tìm thấy", message: "Không có trang hoặc mục này trong đơn vị của bạn." },
  429: { heading: "Thử lại sau", message: "Có quá nhiều yêu cầu; vui lòng thử lại sau ít phút." },
};

const STATUS_OF: Partial<Record<string, number>> = { UNAUTHORIZED: 401, FORBIDDEN: 403, CSRF_FAILED: 403, PASSWORD_CHANGE_REQUIRED: 403, NOT_FOUND: 404, VALIDATION_FAILED: 400, CONFLICT: 409, DUE_DATE_ALREADY_MOVED: 409, DOSSIER_CLOSED: 409, RATE_LIMITED: 429, SERVICE_UNAVAILABLE: 503 };

/**
 * A console page's error, as a person sees it: signed out → the sign-in page (with `next` for a
 * GET); must change password → the change page; otherwise an HTML page with the status.
 */
export function sendConsoleError(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const code = error instanceof AppError ? error.code : null;
  if (code === "UNAUTHORIZED") {
    const next = request.method === "GET" || request.method === "HEAD" ? safeNextPath(request.url, "") : "";
    return reply.code(303).header("cache-control", "no-store").redirect(next && next !== "/staff" ? `/staff/login?next=${encodeURIComponent(next)}` : "/staff/login", 303);
  }
  if (code === "PASSWORD_CHANGE_REQUIRED") return reply.code(303).redirect("/staff/password", 303);
  const status = code ? (STATUS_OF[code] ?? 500) : ((error as FastifyError).statusCode ?? 500);
  if (status >= 500) request.log.error({ err: error }, "console page failed");
  if (error instanceof RateLimitedError) reply.header("retry-after", String(error.retryAfterSeconds));
  const page =
    code === "CSRF_FAILED"
      ? { heading: "Biểu mẫu đã hết hạn", message: "Biểu mẫu này đã cũ hoặc không đến từ trang của hệ thống. Vui lòng tải lại trang rồi gửi lại." }
      : (ERROR_PAGES[status] ?? { heading: "Có lỗi xảy ra", message: "Lỗi không mong đợi trong hệ thống; đã ghi nhật ký. Vui lòng thử lại sau." });
  const message = status < 500 && error instanceof AppError && code !== "CSRF_FAILED" && code !== "FORBIDDEN" ? withoutEnglishGloss(error.message) : page.message;
  return sendConsolePage(request, reply, "staff/error", { title: page.heading, heading: page.heading, message }, status);
}

const loginForm = z.object({
  username: z.string().max(200).default(""),
  password: z.string().max(1000).default(""),
  next: z.string().max(2000).optional(),
  _csrf: z.string().max(200).optional(),
});

const passwordForm = z.object({
  currentPassword: z.string().max(1000).default(""),
  newPassword: z.string().max(1000).default(""),
  confirmPassword: z.string().max(1000).default(""),
  next: z.string().max(2000).optional(),
});

const sameToken = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.length > 0 && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

type FieldErrors = Record<string, string>;
const summary = (fields: FieldErrors, general: string[] = []) => [...general.map((message) => ({ field: null, message })), ...Object.entries(fields).map(([field, message]) => ({ field, message }))];

export function registerConsolePages(app: FastifyInstance, deps: { accounts: StaffAccounts; console: StaffConsoleService; env: Env; reports?: MonthlyReportService }): void {
  const { accounts, env } = deps;
  const secure = (request: FastifyRequest) => env.PUBLIC_BASE_URL.startsWith("https:") || request.protocol === "https";

  /** The sign-in form, with a fresh token in a cookie of its own (a form posted from another site cannot sign anyone in). */
  const loginPage = (request: FastifyRequest, reply: FastifyReply, vars: { next: string; username?: string; fieldErrors?: FieldErrors; general?: string[]; signedOut?: boolean }, status = 200) => {
    const loginToken = randomBytes(24).toString("base64url");
    reply.setCookie(LOGIN_COOKIE, loginToken, { httpOnly: true, sameSite: "strict", path: "/staff/login", secure: secure(request) });
    const fieldErrors = vars.fieldErrors ?? {};
    return sendPage(reply, "staff/login", { title: "Đăng nhập", loginToken, next: vars.next, username: vars.username ?? "", fieldErrors, errors: summary(fieldErrors, vars.general), signedOut: vars.signedOut ?? false }, status);
  };

  app.get("/staff/login", async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const next = safeNextPath(query.next);
    const session = await sessionOf(request, accounts);
    if (session) return reply.redirect(session.mustChangePassword ? "/staff/password" : next, 303);
    return loginPage(request, reply, { next, signedOut: query.signedOut === "1" });
  });

  app.post("/staff/login", async (request, reply) => {
    const form = loginForm.safeParse(request.body ?? {});
    const body = form.success ? form.data : { username: "", password: "", next: undefined, _csrf: undefined };
    const next = safeNextPath(body.next);
    if (!sameToken(body._csrf, request.cookies[LOGIN_COOKIE])) {
      return loginPage(request, reply, { next, username: body.username, general: ["Biểu mẫu đăng nhập đã hết hạn; vui lòng nhập lại."] }, 403);
    }
    const fieldErrors: FieldErrors = {};
    if (!body.username.trim()) fieldErrors.username = "Nhập tên đăng nhập.";
    if (!body.password) fieldErrors.password = "Nhập mật khẩu.";
    if (Object.keys(fieldErrors).length) return loginPage(request, reply, { next, username: body.username, fieldErrors }, 400);
    try {
      const session = await accounts.signIn(body.username, body.password, clientKey(request.ip));
      setSessionCookie(request, reply, session, env);
      reply.clearCookie(LOGIN_COOKIE, { path: "/staff/login" });
      return reply.redirect(session.mustChangePassword ? `/staff/password${next !== "/staff" ? `?next=${encodeURIComponent(next)}` : ""}` : next, 303);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        reply.header("retry-after", String(error.retryAfterSeconds));
        return loginPage(request, reply, { next, username: body.username, general: [`Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${Math.ceil(error.retryAfterSeconds / 60)} phút.`] }, 429);
      }
      if (error instanceof AppError && error.code === "UNAUTHORIZED") {
        return loginPage(request, reply, { next, username: body.username, fieldErrors: { password: "Tên đăng nhập hoặc mật khẩu không đúng." } }, 401);
      }
      throw error;
    }
  });

  app.post("/staff/logout", async (request, reply) => {
    requirePrincipal(request);
    if (request.staffSession) await accounts.endSession(request.staffSession.id);
    clearSessionCookie(request, reply, env);
    return reply.redirect("/staff/login?signedOut=1", 303);
  });

  const passwordPage = (request: FastifyRequest, reply: FastifyReply, next: string, fieldErrors: FieldErrors = {}, status = 200) =>
    sendConsolePage(request, reply, "staff/password", { current: "password", next, minLength: PASSWORD_MIN_LENGTH, fieldErrors, errors: summary(fieldErrors) }, status);

  app.get("/staff/password", async (request, reply) => {
    requirePrincipal(request);
    if (!request.staffSession) throw new AppError("FORBIDDEN", "Chỉ dùng được khi đăng nhập (only with a signed-in session).");
    return passwordPage(request, reply, safeNextPath(((request.query ?? {}) as Record<string, unknown>).next));
  });

  app.post("/staff/password", async (request, reply) => {
    requirePrincipal(request);
    const session = request.staffSession;
    if (!session) throw new AppError("FORBIDDEN", "Chỉ dùng được khi đăng nhập (only with a signed-in session).");
    const parsed = passwordForm.safeParse(request.body ?? {});
    const body = parsed.success ? parsed.data : { currentPassword: "", newPassword: "", confirmPassword: "", next: undefined };
    const next = safeNextPath(body.next);
    const fieldErrors: FieldErrors = {};
    if (!body.currentPassword) fieldErrors.currentPassword = "Nhập mật khẩu hiện tại.";
    if (!body.newPassword) fieldErrors.newPassword = "Nhập mật khẩu mới.";
    else if (body.newPassword.length > PASSWORD_MAX_LENGTH) fieldErrors.newPassword = `Mật khẩu mới dài quá ${PASSWORD_MAX_LENGTH} ký tự.`;
    else if (body.confirmPassword !== body.newPassword) fieldErrors.confirmPassword = "Hai lần nhập mật khẩu mới không giống nhau.";
    if (Object.keys(fieldErrors).length) return passwordPage(request, reply, next, fieldErrors, 400);
    try {
      const renewed = await accounts.changePassword(session, body.currentPassword, body.newPassword, clientKey(request.ip));
      setSessionCookie(request, reply, renewed, env);
      return reply.redirect(next === "/staff" ? "/staff?passwordChanged=1" : next, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        const field = (error.details as { field?: string } | undefined)?.field === "currentPassword" ? "currentPassword" : "newPassword";
        const issues = (error.details as { issues?: { message: string }[] } | undefined)?.issues;
        return passwordPage(request, reply, next, { [field]: field === "currentPassword" ? "Mật khẩu hiện tại không đúng." : (issues?.map((i) => withoutEnglishGloss(i.message)).join(" ") ?? error.message) }, 400);
      }
      throw error; // 429: the console's error page, with Retry-After
    }
  });

  app.get("/staff", async (request, reply) => {
    const principal = requirePrincipal(request);
    const attention = await deps.console.attention(principal);
    // The monthly report's reminder, once the scheduled job has prepared the unit's draft.
    const reminder = deps.reports && can(principal, "reports:write") ? await deps.reports.reminderFor(principal) : null;
    const query = (request.query ?? {}) as Record<string, unknown>;
    return sendConsolePage(request, reply, "staff/home", {
      current: "home",
      attention,
      showWatched: attention.watched !== null,
      showBroadcasts: attention.broadcasts !== null,
      showFailures: attention.failures !== null,
      failedDays: FAILED_WINDOW_DAYS,
      passwordChanged: query.passwordChanged === "1",
      reportReminder: reminder ? { href: reminder.href, text: REPORT_TEXT.reminder(reminder.monthLabel, reminder.lastDay) } : null,
    });
  });
}
