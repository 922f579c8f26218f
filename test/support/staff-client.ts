/**
 * A browser-like client for the staff console's routes over real HTTP: sessions by cookie, the CSRF
 * header, forms, JSON or a raw body, a client address through X-Forwarded-For (the stack trusts
 * 127.0.0.1), and members who have signed in and chosen their own password.
 */
import { expect } from "vitest";
import type { NotifyStack } from "./notify-stack.js";

export const NEW_PASSWORD = "Cây-đa-đầu-làng-2026";

export interface StaffResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
  /** The session cookie's new value, when the answer set one ("" when it cleared it). */
  session: string | undefined;
  setCookies: string[];
}

export interface StaffRequest {
  session?: string;
  csrf?: string;
  json?: unknown;
  form?: Record<string, string>;
  raw?: { type: string; body: string | FormData };
  ip?: string;
  key?: string;
  cookies?: Record<string, string>;
  headers?: Record<string, string>;
}

export type StaffRole = "commune_staff" | "post_office_staff" | "admin";

export function staffClient(stack: () => NotifyStack, defaultIp: string) {
  let ipSeq = 0;
  /** Each sign-in from an address of its own, so failures elsewhere never hold it. */
  const freshIp = () => `198.51.${100 + Math.floor(ipSeq / 250)}.${(ipSeq++ % 250) + 1}`;

  async function req(method: string, url: string, o: StaffRequest = {}): Promise<StaffResponse> {
    const cookies = { ...(o.session ? { motcua_staff: o.session } : {}), ...o.cookies };
    const headers: Record<string, string> = {
      "x-forwarded-for": o.ip ?? defaultIp,
      ...(Object.keys(cookies).length ? { cookie: Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
      ...(o.csrf ? { "x-csrf-token": o.csrf } : {}),
      ...(o.key ? { authorization: `Bearer ${o.key}` } : {}),
      ...(o.json !== undefined ? { "content-type": "application/json" } : {}),
      ...(o.form !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      ...(o.raw && typeof o.raw.body === "string" ? { "content-type": o.raw.type } : {}),
      ...o.headers,
    };
    const res = await fetch(stack().baseUrl + url, {
      method,
      headers,
      redirect: "manual",
      ...(o.json !== undefined ? { body: typeof o.json === "string" ? o.json : JSON.stringify(o.json) } : {}),
      ...(o.form !== undefined ? { body: new URLSearchParams(o.form).toString() } : {}),
      ...(o.raw ? { body: o.raw.body } : {}),
    });
    const text = await res.text();
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    const setCookies = res.headers.getSetCookie();
    const sessionCookie = setCookies.find((c) => c.startsWith("motcua_staff="));
    return { status: res.status, headers: res.headers, text, body, setCookies, session: sessionCookie ? decodeURIComponent(sessionCookie.split(";")[0]!.slice("motcua_staff=".length)) : undefined };
  }

  const login = (username: string, password: string, ip = freshIp()) => req("POST", "/api/v1/auth/login", { json: { username, password }, ip });

  /** A member who has signed in with the one-time password and chosen their own: their session and its CSRF token. */
  async function signedIn(username: string, oneTimePassword: string) {
    const first = await login(username, oneTimePassword);
    expect(first.status, first.text).toBe(200);
    const changed = await req("POST", "/api/v1/auth/password", { session: first.session!, csrf: first.body.csrfToken, json: { currentPassword: oneTimePassword, newPassword: NEW_PASSWORD } });
    expect(changed.status, changed.text).toBe(200);
    return { username, password: NEW_PASSWORD, session: changed.session!, csrf: changed.body.csrfToken as string };
  }

  return { req, login, freshIp, signedIn };
}
