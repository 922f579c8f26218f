import type { Duplex } from "node:stream";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { AppError, type ErrorCode, RateLimitedError, ValidationError } from "../errors.js";
import { HTTP_REFUSAL_TEXT } from "../text/staff-vi.js";
import { isConsolePage, sendConsoleError } from "../web/console.js";

const STATUS: Record<ErrorCode, number> = {
  CONFIG_INVALID: 500,
  SERVICE_UNAVAILABLE: 503,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  CSRF_FAILED: 403,
  CONFLICT: 409,
  DUE_DATE_ALREADY_MOVED: 409,
  DOSSIER_CLOSED: 409,
  RATE_LIMITED: 429,
  MIGRATION_FAILED: 500,
  SEED_INVALID: 500,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; issues?: { field: string; message: string }[]; retryAfter?: number };
}

const zodVi = z.locales.vi().localeError;
const zodEn = z.locales.en().localeError;
const said = (m: string | { message?: string } | undefined | null) => (typeof m === "string" ? m : m?.message);

/**
 * zod's own words, where a schema gives none of its own ("Too big: expected number to be <=200"),
 * in Vietnamese with zod's English in brackets for integrators, as every other refusal of the API.
 * A schema's own message (Vietnamese, or the dossier-event ingest's English) takes precedence.
 */
export const ownWordsInVietnamese: z.core.$ZodErrorMap = (issue) => {
  const vi = said(zodVi(issue));
  const en = said(zodEn(issue));
  return vi && en ? HTTP_REFUSAL_TEXT.with(vi, en) : (vi ?? en);
};

/** Parses `input` with `schema`, or throws a ValidationError naming the first bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input, { error: ownWordsInVietnamese });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ field: i.path.map(String).join(".") || where, message: i.message }));
  const first = issues[0]!;
  // a schema whose own message already names its field ("failureReason: …") is not named twice
  const message = first.message.startsWith(`${first.field}: `) ? first.message : `${first.field}: ${first.message}`;
  throw new ValidationError(message, { field: first.field, issues });
}

/**
 * What Fastify's router refuses before any route — a path whose percent-encoding is not UTF-8
 * (`%C0%AE`), a path segment over `maxParamLength` — answered in the shape of every other error
 * (Fastify's default was its own `{"error":"Bad Request","code":"FST_ERR_…"}`, in English), naming
 * the path; its status stays Fastify's (400, 414).
 */
export function frameworkRefusal(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void reply.status(status).send({ error: { code: "VALIDATION_FAILED", message: HTTP_REFUSAL_TEXT.with(HTTP_REFUSAL_TEXT.path, error.code), field: "path" } });
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request — headers over 16 kB (a query
 * string of 100 kB, say: 431), a request line or header it cannot read (400), a client too slow
 * (408) — answered in the shape of every other error, in Vietnamese with the English in brackets
 * (Fastify's default was its own `{"error":"Request Header Fields Too Large",…}`).
 */
export function clientErrorRefusal(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, text, english, field] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, HTTP_REFUSAL_TEXT.headers, "Request Header Fields Too Large", "headers"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, HTTP_REFUSAL_TEXT.timeout, "Request Timeout", undefined]
        : [400, HTTP_REFUSAL_TEXT.other, "Bad Request", undefined];
  const body = JSON.stringify({ error: { code: "VALIDATION_FAILED", message: HTTP_REFUSAL_TEXT.with(text, english), ...(field ? { field } : {}) } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${english}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * `resumeSession` finds the signed-in member of a console address that matches no route (the guard
 * runs only on routes), so that the "not found" page keeps the console's navigation.
 */
export function installErrorHandling(app: FastifyInstance, options: { resumeSession?: (request: FastifyRequest) => Promise<unknown> } = {}): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    // A console page answers a person: a redirect to sign in, or an HTML page, never JSON.
    if (isConsolePage(request)) return sendConsoleError(error, request, reply);
    if (error instanceof AppError) {
      const details = (error.details ?? {}) as { field?: string; issues?: { field: string; message: string }[]; retryAfter?: number };
      if (error instanceof RateLimitedError) reply.header("retry-after", String(error.retryAfterSeconds));
      const body: ErrorBody = { error: { code: error.code, message: error.message, ...details } };
      if (STATUS[error.code] >= 500) request.log.error({ err: error }, "request failed");
      return reply.status(STATUS[error.code]).send(body);
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      // Fastify's own refusals: body too large, unsupported media type (malformed JSON: raw-body.ts).
      const text = status === 413 || status === 415 ? HTTP_REFUSAL_TEXT[status] : HTTP_REFUSAL_TEXT.other;
      return reply.status(status).send({ error: { code: "VALIDATION_FAILED", message: HTTP_REFUSAL_TEXT.with(text, error.message) } });
    }
    request.log.error({ err: error }, "unexpected error");
    return reply.status(500).send({ error: { code: "INTERNAL", message: "Lỗi không mong đợi trong hệ thống; đã ghi nhật ký. (Unexpected error; it has been logged.)" } });
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (!isConsolePage(request)) return reply.status(404).send({ error: { code: "NOT_FOUND", message: `Không có địa chỉ ${request.method} ${request.url.split("?")[0]} (no such route).` } });
    await options.resumeSession?.(request).catch((error: unknown) => request.log.warn({ err: error }, "session not read for a not-found page"));
    return sendConsoleError(new AppError("NOT_FOUND", "Không có trang này trong bảng điều khiển."), request, reply);
  });
}
