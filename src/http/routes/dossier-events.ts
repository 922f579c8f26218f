import type { FastifyInstance } from "fastify";
import type { Principal } from "../../auth/guard.js";
import { acceptedEvent, dossierEventBatchSchema, dossierEventSchema, type DossierEventInput } from "../../dossiers/event-schema.js";
import type { DossierIngestService } from "../../dossiers/ingest-service.js";
import { ValidationError } from "../../errors.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";

/** A field's name as the batch route's errors give it: `events[3].applicant.phone`. */
const fieldName = (prefix: string, path: readonly PropertyKey[]): string =>
  [prefix, ...path.map(String)].filter(Boolean).join(".").replace(/\.(\d+)(?=\.|$)/g, "[$1]");

function parseEvent(raw: unknown, prefix: string): DossierEventInput {
  // The usual well-formed event without zod's machinery; anything else (and every error) through the schema.
  const accepted = acceptedEvent(raw);
  if (accepted) return accepted;
  const result = dossierEventSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldName(prefix, issue.path);
  // every issue named as the first one is (`field` and `issues[].field` agree)
  throw new ValidationError(`${field} ${issue.message}`, { field, issues: result.error.issues.map((i) => ({ field: fieldName(prefix, i.path), message: i.message })) });
}

export function registerDossierEventRoutes(app: FastifyInstance, deps: { ingest: DossierIngestService; lookupLink: (code: string) => string | null }): void {
  // The guard has let in the principal's role; the service confines it to its unit and its event-id namespace.
  const ingest = async (events: DossierEventInput[], principal: Principal, batch: boolean) =>
    deps.ingest.ingest(events, { principal, batch, lookupLink: deps.lookupLink });

  app.post("/api/v1/dossier-events", async (request, reply) => {
    const principal = requirePrincipal(request);
    if (request.body === undefined || request.body === null || typeof request.body !== "object" || Array.isArray(request.body)) {
      throw new ValidationError("body must be one event object (use /api/v1/dossier-events/batch for several)", { field: "body" });
    }
    const event = parseEvent(request.body, "");
    // Written together with the other single events arriving at the same moment (group commit).
    const result = await deps.ingest.ingestOne(event, { principal, lookupLink: deps.lookupLink });
    const one = result.results[0]!;
    return reply.status(202).send({ accepted: result.accepted, duplicates: result.duplicates, eventId: one.eventId, duplicate: one.outcome === "duplicate", applied: one.applied, notices: one.notices });
  });

  app.post("/api/v1/dossier-events/batch", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { events } = parseOrThrow(dossierEventBatchSchema, request.body ?? {}, "events");
    // The whole batch is checked before anything is stored: a malformed event stores nothing.
    const parsed = events.map((raw, i) => parseEvent(raw, `events.${i}`));
    const result = await ingest(parsed, principal, true);
    return reply.status(202).send(result);
  });
}
