/**
 * Keeps each request's exact bytes (webhook signatures are computed over them), and refuses text
 * that cannot be stored: a NUL character or an unpaired UTF-16 surrogate in any string or key of a
 * JSON or form body, or of a query string (PostgreSQL refuses both in text and jsonb), is a 400
 * naming where it is, before any route sees it. JSON that would poison prototypes (`__proto__`,
 * `constructor.prototype` keys) is refused like malformed JSON, and so is JSON nested deeper than
 * MAX_JSON_DEPTH arrays/objects (walking it would overflow the stack: a 500, not a 400).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import sjson from "secure-json-parse";
import { ValidationError } from "../errors.js";

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/** No payload this service takes comes near this; the deepest (a Zalo or Telegram update) is under 10. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests arrays/objects deeper than `max` (a linear scan; strings are skipped,
 * each to its closing quote found by `indexOf`: most of a body's characters are in its strings,
 * and a native search passes them several times faster than a loop over each character).
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // The string ends at the next quote preceded by an even number of backslashes (the run
      // stops at the opening quote at the latest).
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false; // never closed: not JSON, refused by the parse
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function installBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    request.rawBody = text;
    if (text.trim() === "") return done(null, undefined);
    if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
      return done(new ValidationError(`Nội dung lồng nhau quá sâu (the body nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels)`, { field: "body" }), undefined);
    }
    let value: unknown;
    try {
      // As Fastify's own parser: a "__proto__" or "constructor.prototype" key is refused, not parsed.
      value = sjson.parse(text, undefined, { protoAction: "error", constructorAction: "error" });
    } catch {
      return done(new ValidationError("Nội dung không phải JSON hợp lệ (the body is not valid JSON)", { field: "body" }), undefined);
    }
    const bad = unsafeJsonTextAt(text, value);
    if (bad !== null) return done(unsafeTextError(bad || "body"), undefined);
    done(null, value);
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    request.rawBody = text;
    // A repeated field (a group of checkboxes) becomes an array; a single one stays a string.
    const value: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      const had = value[k];
      value[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    const bad = unsafeTextAt(value, "");
    if (bad !== null) return done(unsafeTextError(bad || "body"), undefined);
    done(null, value);
  });
  app.addHook("preValidation", async (request) => {
    for (const part of [request.query, request.params]) {
      const bad = unsafeTextAt(part, "");
      if (bad !== null) throw unsafeTextError(bad || "query");
    }
  });
}

/** A NUL, or a UTF-16 surrogate without its pair (the string is not well-formed Unicode). */
const UNSAFE = /\u0000|\p{Surrogate}/u; // with the u flag a paired surrogate is one code point and does not match

function unsafe(text: string): boolean {
  return UNSAFE.test(text);
}

function unsafeTextError(field: string): ValidationError {
  return new ValidationError(`${field}: chứa ký tự không hợp lệ (contains a NUL character or an unpaired surrogate)`, { field });
}

/**
 * `unsafeTextAt` for the value JSON.parse made of `text`, walked only when it may find something:
 * a string or key of the value holds a NUL or a lone surrogate only if the text does (JSON.parse
 * refuses a raw NUL; a lone surrogate can come in raw only in a string not decoded from UTF-8) or
 * spells one as a `\u` escape. Text with neither — nearly every body, whose escapes are
 * at most `\"`, `\\`, `\n` — is passed on two scans in native code instead of a walk that
 * builds the path of every field.
 */
export function unsafeJsonTextAt(text: string, value: unknown): string | null {
  if (!text.includes("\\u") && !NUL_OR_SURROGATE.test(text)) return null;
  return unsafeTextAt(value, "");
}
/** A NUL or any surrogate, paired or not (without the u flag: a scan several times faster; a paired one only costs the walk). */
const NUL_OR_SURROGATE = /[\u0000\ud800-\udfff]/;

/**
 * Where in a parsed value (`applicant.fullName`, `events[3].eventId`) the first unsafe string
 * or key is; "" for the value itself; null when there is none.
 */
export function unsafeTextAt(value: unknown, path: string): string | null {
  if (typeof value === "string") return unsafe(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unsafeTextAt(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (unsafe(key)) return path ? `${path}.${JSON.stringify(key)}` : JSON.stringify(key);
      const found = unsafeTextAt(item, at);
      if (found !== null) return found;
    }
  }
  return null;
}
