/** Typed errors: every error the service raises on purpose carries a stable code. */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "SERVICE_UNAVAILABLE"
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "CONFLICT"
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
