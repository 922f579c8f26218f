/**
 * Server-rendered pages (the staff console and the public commune pages), the way of the GOV.UK
 * Notify admin: Nunjucks templates in web/views (one file per page, autoescaped), a little
 * progressive enhancement in web/assets built by esbuild (scripts/build-web.mjs) into
 * public/assets, served here under /assets/ — no external CDN.
 */
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";
import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import nunjucks from "nunjucks";
import { projectRoot } from "../paths.js";
import { can, type Action, type Principal } from "../auth/guard.js";

const viewsDir = path.join(projectRoot, "web", "views");
export const assetsDir = path.join(projectRoot, "public", "assets");
/** The pages' icon (web/assets/favicon.svg, copied there by the web build). */
export const FAVICON = "favicon.svg";

const ICT = "Asia/Ho_Chi_Minh";
const dateTime = new Intl.DateTimeFormat("vi-VN", { timeZone: ICT, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
const dateOnly = new Intl.DateTimeFormat("vi-VN", { timeZone: ICT, day: "2-digit", month: "2-digit", year: "numeric" });

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function buildEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(viewsDir, { noCache: process.env.NODE_ENV === "development" }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addFilter("datetime", (v: unknown) => {
    const d = toDate(v);
    return d ? dateTime.format(d) : "";
  });
  env.addFilter("date", (v: unknown) => {
    const d = toDate(v);
    return d ? dateOnly.format(d) : "";
  });
  env.addFilter("number", (v: unknown) => (typeof v === "number" ? v.toLocaleString("vi-VN") : String(v ?? "")));
  env.addGlobal("asset", assetUrl);
  // The guard's rule, for what a page shows (links, buttons): `{% if can(principal, "broadcasts:write") %}`.
  env.addGlobal("can", (principal: Principal | null | undefined, action: Action) => Boolean(principal) && can(principal!, action));
  return env;
}

let environment: nunjucks.Environment | undefined;

/** A page's HTML from its template (web/views/<name>.njk) and its variables. */
export function renderPage(name: string, vars: Record<string, unknown>): string {
  environment ??= buildEnvironment();
  return environment.render(`${name}.njk`, vars);
}

/** Sends a page; `status` for error pages. */
export function sendPage(reply: FastifyReply, name: string, vars: Record<string, unknown>, status = 200): FastifyReply {
  return reply
    .code(status)
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("x-frame-options", "DENY")
    .header("referrer-policy", "same-origin")
    .header("content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
    .send(renderPage(name, vars));
}

const hashes = new Map<string, string>();

/** `/assets/<file>?v=<content hash>`, so a new build is never hidden by a cached old one. */
export function assetUrl(file: string): string {
  let hash = hashes.get(file);
  if (hash === undefined) {
    const full = path.join(assetsDir, file);
    hash = existsSync(full) ? createHash("sha256").update(readFileSync(full)).digest("hex").slice(0, 10) : "missing";
    hashes.set(file, hash);
  }
  return `/assets/${file}?v=${hash}`;
}

/** Serves public/assets under /assets/ (built by `npm ci`; a missing build is said at start). */
export async function registerAssets(app: FastifyInstance): Promise<void> {
  if (!existsSync(path.join(assetsDir, "staff.css"))) {
    app.log.warn("public/assets is missing: run `npm run build:web` (npm ci does it) — pages will have no styles or scripts");
  }
  await app.register(fastifyStatic, { root: assetsDir, prefix: "/assets/", decorateReply: false, maxAge: "1d", immutable: false, index: false, wildcard: true });
  // pages name their icon (`<link rel="icon">`); a browser that asks the old way is sent to it
  app.get("/favicon.ico", async (_request, reply) => reply.redirect(assetUrl(FAVICON), 301));
}
