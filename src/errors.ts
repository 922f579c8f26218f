/** Typed errors: every error the service raises on purpose carries a stable code. */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "SERVICE_UNAVAILABLE"
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  /** A signed-in staff member must choose a new password before anything else. */
  | "PASSWORD_CHANGE_REQUIRED"
  /** A state-changing request made with a session lacked its CSRF token, or sent a wrong one. */
  | "CSRF_FAILED"
  | "CONFLICT"
  /** A dossier's due date is moved once only (an apology, form 04): it has been already. */
  | "DUE_DATE_ALREADY_MOVED"
  /** The dossier has its result or ended (returned, refused, withdrawn, stopped): too late for this. */
  | "DOSSIER_CLOSED"
  | "RATE_LIMITED"
  | "MIGRATION_FAILED"
  | "SEED_INVALID"
  | "INTERNAL";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super("VALIDATION_FAILED", message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super("NOT_FOUND", message);
  }
}

/** A service the program needs (PostgreSQL, Redis) cannot be reached; the message says how to get it. */
export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super("SERVICE_UNAVAILABLE", message);
  }
}

/** Too many attempts from one client; `retryAfterSeconds` goes out as the Retry-After header. */
export class RateLimitedError extends AppError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super("RATE_LIMITED", message, { retryAfter: retryAfterSeconds });
  }
}
