/** A dossier with its history (events, notices and what became of each), for staff of its unit. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { dossierListQuery, type DossierHistoryService } from "../../dossiers/history-service.js";
import { DOSSIER_CODE } from "../../dossiers/event-schema.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";
import { errorResponse, guardResponses, jsonResponse, queryParameters, staffSecurity, type PathItems } from "../openapi/zod-paths.js";

const params = z.object({
  code: z
    .string()
    .transform((c) => c.trim().toUpperCase())
    .pipe(z.string().regex(DOSSIER_CODE, "mã hồ sơ có dạng <mã cơ quan>-<YYMMDD>-<số>, ví dụ H15.50.05.13-261008-0975")),
});

export function registerDossierRoutes(app: FastifyInstance, deps: { history: DossierHistoryService }): void {
  app.get("/api/v1/dossiers", async (request) => deps.history.list(requirePrincipal(request), parseOrThrow(dossierListQuery, request.query ?? {}, "query")));
  app.get("/api/v1/dossiers/:code", async (request) => {
    const principal = requirePrincipal(request);
    const { code } = parseOrThrow(params, request.params, "code");
    return deps.history.get(code, principal);
  });
}

export const dossierPaths: PathItems = {
  "/api/v1/dossiers": {
    get: {
      summary: "The dossiers of my unit, newest first, with filters (commune staff of the unit, integration keys)",
      security: staffSecurity,
      parameters: queryParameters(dossierListQuery),
      responses: {
        "200": jsonResponse("A page of dossiers: total, offset, dossiers (code, status, procedure, commune, channel, applicant with the phone masked, receivedAt, dueAt, newDueAt, overdue, lateness: {state EARLY|ON_TIME|LATE|OVERDUE|DUE_SOON|PENDING|CLOSED|NO_DUE_DATE, label, workingDays, dueAt, moved, resultAt} in working days)"),
        "400": errorResponse("A filter is not valid (it is named)."),
        ...guardResponses,
      },
    },
  },
};
