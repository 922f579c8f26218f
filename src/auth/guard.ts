/**
 * The one guard: what a principal may read or change. A principal is whoever a request speaks
 * for — an API key today, a signed-in staff member (the staff console) tomorrow; both have the
 * same shape, a role and a unit, and are judged by the same rules:
 *
 * 1. `authorize(principal, action)`: may this role do this action at all? (the PERMISSIONS table;
 *    ADMIN may do everything). No principal: 401; a role not allowed: 403.
 * 2. Unit checks on the thing touched: `canTouchCommune(principal, commune)`, `unitScope(principal)`
 *    for lists. A principal with a unit (every staff key; an integration key created with
 *    `--unit`) reaches only the communes of that unit: the commune itself, or every commune of a
 *    province. ADMIN and an integration key without a unit reach everything.
 *
 * ROUTES says which action each guarded HTTP route needs; src/http/auth.ts applies it to every
 * request before the route runs. Routes not in the table are public (health, catalog, admin
 * units, the citizens' chat, and the provider webhooks, which verify their own signatures).
 */
import type { StaffRole } from "../generated/prisma/enums.js";
import { AppError } from "../errors.js";

export interface Principal {
  /** How the request proved who it is: a bearer API key, or a staff member's signed-in session. */
  kind: "api-key" | "session";
  /** The API key's id, or the staff user's id. */
  id: string;
  name: string;
  role: StaffRole;
  /** A commune code, or a province code (meaning its communes); null: no unit. */
  unitCode: string | null;
}

/** The actions a principal may be allowed; ADMIN may do every one. */
export const PERMISSIONS = {
  /** Post dossier status events (single or batch). */
  "dossier-events:write": ["INTEGRATION", "COMMUNE_STAFF"],
  /** Read a dossier with its history: events, notices and their delivery outcomes (of the principal's unit). */
  "dossiers:read": ["INTEGRATION", "COMMUNE_STAFF"],
  /** List the collection/delivery bookings (of the principal's unit). */
  "bookings:read": ["POST_OFFICE_STAFF", "COMMUNE_STAFF"],
  /** Move a booking forward (of the principal's unit). */
  "bookings:move": ["POST_OFFICE_STAFF"],
  /** Read what the sandbox "sent" (guarded only when NODE_ENV=production). */
  "sandbox:read": [],
  /** A signed-in staff member's own account: who am I, change my password, sign out. */
  "auth:self": ["COMMUNE_STAFF", "POST_OFFICE_STAFF"],
  /** List the hamlets of the principal's communes. */
  "hamlets:read": ["COMMUNE_STAFF"],
  /** Add, rename, merge and import hamlets (of the principal's communes). */
  "hamlets:write": ["COMMUNE_STAFF"],
  /** List and read announcements and their progress (of the principal's communes). */
  "broadcasts:read": ["COMMUNE_STAFF"],
  /** Compose, send and cancel announcements (of the principal's communes). */
  "broadcasts:write": ["COMMUNE_STAFF"],
  /** Approve another staff member's urgent announcement (same unit; never one's own). */
  "broadcasts:approve": ["COMMUNE_STAFF"],
  /** Read the working calendar (holidays, worked weekend days). */
  "calendar:read": ["INTEGRATION", "COMMUNE_STAFF", "POST_OFFICE_STAFF"],
  /** Add, change or remove a day of the working calendar: ADMIN only. */
  "calendar:write": [],
  /** Link one's own Telegram chat for the overdue watch's morning digest (a signed-in member only). */
  "staff-telegram:link": ["COMMUNE_STAFF"],
  /** Issue the apology and new appointment of a dossier (form 04; of the principal's unit). */
  "apology:write": ["COMMUNE_STAFF"],
  /** Record a hand-over of a dossier (a line of form 05; of the principal's unit). */
  "handovers:write": ["COMMUNE_STAFF", "POST_OFFICE_STAFF"],
  /** Read and print a dossier's process control form (form 05; of the principal's unit). */
  "handovers:read": ["INTEGRATION", "COMMUNE_STAFF", "POST_OFFICE_STAFF"],
  /** Read the monthly report of the principal's commune, or of its province (the roll-up) and its communes. */
  "reports:read": ["COMMUNE_STAFF"],
  /** Write the monthly report's sections and submit it (same units as reports:read). */
  "reports:write": ["COMMUNE_STAFF"],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Action = keyof typeof PERMISSIONS;

/** Every guarded HTTP route, as `METHOD url` exactly as registered with Fastify. */
export const ROUTES: Record<string, Action> = {
  "POST /api/v1/dossier-events": "dossier-events:write",
  "POST /api/v1/dossier-events/batch": "dossier-events:write",
  "GET /api/v1/dossiers": "dossiers:read",
  "GET /api/v1/dossiers/:code": "dossiers:read",
  "GET /staff/dossiers": "dossiers:read",
  "GET /staff/dossiers/:code": "dossiers:read",
  "POST /staff/dossiers/:code/status": "dossier-events:write",
  "GET /api/v1/bookings": "bookings:read",
  "POST /api/v1/bookings/:reference/status": "bookings:move",
  // The console's post office desk (commune staff read their commune's; post office staff work them).
  "GET /staff/bookings": "bookings:read",
  "GET /staff/bookings/:reference": "bookings:read",
  "GET /staff/bookings/:reference/slip": "bookings:read",
  "POST /staff/bookings/:reference/status": "bookings:move",
  "POST /staff/bookings/deliveries": "bookings:move",
  "GET /api/v1/sandbox/messages": "sandbox:read",
  "GET /api/v1/hamlets": "hamlets:read",
  "POST /api/v1/hamlets": "hamlets:write",
  "POST /api/v1/hamlets/import": "hamlets:write",
  "PATCH /api/v1/hamlets/:id": "hamlets:write",
  "POST /api/v1/hamlets/:id/confirm": "hamlets:write",
  "POST /api/v1/hamlets/:id/merge": "hamlets:write",
  "GET /staff/hamlets": "hamlets:read",
  "POST /staff/hamlets": "hamlets:write",
  "POST /staff/hamlets/import": "hamlets:write",
  "POST /staff/hamlets/:id/rename": "hamlets:write",
  "POST /staff/hamlets/:id/confirm": "hamlets:write",
  "POST /staff/hamlets/:id/merge": "hamlets:write",
  "POST /api/v1/broadcasts": "broadcasts:write",
  "GET /api/v1/broadcasts": "broadcasts:read",
  "GET /api/v1/broadcasts/:id": "broadcasts:read",
  "PATCH /api/v1/broadcasts/:id": "broadcasts:write",
  "GET /api/v1/broadcasts/:id/preview": "broadcasts:read",
  "GET /api/v1/broadcasts/:id/unreached": "broadcasts:read",
  "POST /api/v1/broadcasts/:id/send": "broadcasts:write",
  "POST /api/v1/broadcasts/:id/approve": "broadcasts:approve",
  "POST /api/v1/broadcasts/:id/cancel": "broadcasts:write",
  // The console's announcement pages.
  "GET /staff/broadcasts": "broadcasts:read",
  "GET /staff/broadcasts/new": "broadcasts:write",
  "POST /staff/broadcasts": "broadcasts:write",
  "GET /staff/broadcasts/:id": "broadcasts:read",
  "GET /staff/broadcasts/:id/unreached": "broadcasts:read",
  "GET /staff/broadcasts/:id/edit": "broadcasts:write",
  "POST /staff/broadcasts/:id/edit": "broadcasts:write",
  "POST /staff/broadcasts/:id/send": "broadcasts:write",
  "POST /staff/broadcasts/:id/approve": "broadcasts:approve",
  "POST /staff/broadcasts/:id/cancel": "broadcasts:write",
  // The staff console's own account routes and shell pages (POST /api/v1/auth/login and GET/POST /staff/login are public).
  "GET /api/v1/auth/me": "auth:self",
  "POST /api/v1/auth/password": "auth:self",
  "POST /api/v1/auth/logout": "auth:self",
  "GET /staff": "auth:self",
  "GET /staff/password": "auth:self",
  "POST /staff/password": "auth:self",
  "POST /staff/logout": "auth:self",
  // The working calendar: its API and the console's page.
  "GET /api/v1/calendar": "calendar:read",
  "PUT /api/v1/calendar/:date": "calendar:write",
  "DELETE /api/v1/calendar/:date": "calendar:write",
  "GET /staff/calendar": "calendar:read",
  "POST /staff/calendar": "calendar:write",
  "POST /staff/calendar/:date/delete": "calendar:write",
  // The overdue watch's Telegram link (the console's Telegram page).
  "GET /staff/telegram": "staff-telegram:link",
  "POST /staff/telegram/code": "staff-telegram:link",
  "POST /staff/telegram/unlink": "staff-telegram:link",
  // Forms 04 (the apology and new appointment) and 05 (the process control form) of a dossier.
  "POST /api/v1/dossiers/:code/apology": "apology:write",
  "GET /api/v1/dossiers/:code/apology.pdf": "dossiers:read",
  "POST /api/v1/dossiers/:code/handovers": "handovers:write",
  "GET /api/v1/dossiers/:code/form-05.pdf": "handovers:read",
  "POST /staff/dossiers/:code/apology": "apology:write",
  "GET /staff/dossiers/:code/apology": "dossiers:read",
  "POST /staff/dossiers/:code/handovers": "handovers:write",
  "GET /staff/dossiers/:code/form-05": "handovers:read",
  // The monthly report (issue 10 §7): the API and the console page.
  "GET /api/v1/reports/monthly": "reports:read",
  "PUT /api/v1/reports/monthly/:unit/:month": "reports:write",
  "POST /api/v1/reports/monthly/:unit/:month/submit": "reports:write",
  "GET /staff/reports": "reports:read",
  "POST /staff/reports/:unit/:month": "reports:write",
  "POST /staff/reports/:unit/:month/submit": "reports:write",
};

/** For a request whose staff session cookie names no live session. */
export const SESSION_ENDED = "Phiên đăng nhập đã kết thúc hoặc hết hạn; hãy đăng nhập lại (the session has ended or expired: sign in again).";

export class UnauthorizedError extends AppError {
  constructor(message = "Thiếu hoặc sai khóa API (missing or invalid API key): send Authorization: Bearer <key>.") {
    super("UNAUTHORIZED", message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, details?: { field?: string }) {
    super("FORBIDDEN", message, details);
  }
}

export function can(principal: Principal, action: Action): boolean {
  return principal.role === "ADMIN" || (PERMISSIONS[action] as readonly StaffRole[]).includes(principal.role);
}

/** The principal, when it may do `action`; otherwise 401 (none) or 403 (its role may not). */
export function authorize(principal: Principal | null | undefined, action: Action): Principal {
  if (!principal) throw new UnauthorizedError();
  if (!can(principal, action)) {
    throw new ForbiddenError(`"${principal.name}" (${principal.role}) không được làm việc này (this role may not ${action}).`);
  }
  return principal;
}

/** The unit a principal is confined to (a commune or province code), or null for everything. */
export function unitScope(principal: Principal): string | null {
  return principal.role === "ADMIN" ? null : principal.unitCode;
}

/** A commune as the unit checks need it: its code and its province. */
export interface CommuneRef {
  code: string;
  parentCode: string | null;
}

/** Whether a unit (a commune, or a province) holds this commune. */
export function unitCovers(unitCode: string, commune: CommuneRef): boolean {
  return commune.code === unitCode || commune.parentCode === unitCode;
}

/**
 * Whether the principal may touch what belongs to this commune. `null` (a dossier with no known
 * commune) is reachable only by principals without a unit.
 */
export function canTouchCommune(principal: Principal, commune: CommuneRef | null): boolean {
  const scope = unitScope(principal);
  if (scope === null) return true;
  return commune !== null && unitCovers(scope, commune);
}

/**
 * A dossier, for the routes that reach one by its code (its form 05, its hand-overs): of the
 * principal's unit, and, for post office staff, one the post office has a part in — it came in
 * through the post (`channel` POSTAL), or has a collection or delivery booking, or a postal step
 * (`handledByPost`). A counter dossier of the same province is not theirs to read or write.
 */
export function canTouchDossier(principal: Principal, dossier: { commune: CommuneRef | null; handledByPost: boolean }): boolean {
  return canTouchCommune(principal, dossier.commune) && (principal.role !== "POST_OFFICE_STAFF" || dossier.handledByPost);
}

/**
 * The namespace a principal's dossier event ids live in: event ids are unique per namespace, so
 * no sender can shadow another's. The upstream system (an integration key without a unit, and
 * admin keys) has "upstream"; an integration key confined to a unit has "upstream:<unit>", so it
 * can neither take an id the upstream system will send for another unit nor learn which ids
 * upstream has used; staff share one namespace per unit ("unit:<code>"), whichever key or session
 * they use, so a retry after a key is rotated is still recognised as a repeat.
 */
export function eventNamespace(principal: Principal | null | undefined): string {
  if (!principal || principal.role === "ADMIN") return "upstream";
  if (principal.role === "INTEGRATION") return principal.unitCode ? `upstream:${principal.unitCode}` : "upstream";
  return `unit:${principal.unitCode ?? "none"}`;
}

/**
 * Whether this principal's events may change what the upstream system alone says of a dossier
 * already on record: its applicant's phone (where its notices and one-time codes go), its
 * appointment dates (`dueAt`, `newDueAt`: lateness, the apology's once-only rule) and how it came in
 * (`channel`). Upstream (an integration key without a unit, admin) may. A unit's own system (an
 * integration key with a unit) sets them only for a dossier it brings in, in the request that
 * creates it: on a dossier on record it is held to them as they are, or it could send a dossier's
 * notices and codes to a phone of its choosing, or move a due date past the apology. Staff never
 * set them by events (their own rules, in the ingest: the status form's steps, the apology).
 */
export function setsUpstreamFields(principal: Principal | null | undefined): boolean {
  return eventSource(principal) === "UPSTREAM" && (!principal || unitScope(principal) === null);
}

/** Whether events from this principal are recorded as upstream's (integration and admin keys) or as staff's. */
export function eventSource(principal: Principal | null | undefined): "UPSTREAM" | "STAFF" {
  return !principal || principal.role === "INTEGRATION" || principal.role === "ADMIN" ? "UPSTREAM" : "STAFF";
}
