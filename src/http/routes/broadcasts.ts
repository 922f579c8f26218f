/** Announcements over the API (the console's pages use the same service): guarded by broadcasts:* actions. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { createBroadcastInput, listBroadcastsQuery, updateBroadcastInput, type BroadcastService } from "../../broadcasts/broadcast-service.js";
import { requirePrincipal } from "../auth.js";
import { errorResponse, guardResponses, jsonBody, jsonResponse, pathParameter, queryParameters, staffSecurity, type PathItems } from "../openapi/zod-paths.js";

const idParams = z.object({ id: z.string() });

export function registerBroadcastRoutes(app: FastifyInstance, deps: { broadcasts: BroadcastService }): void {
  const { broadcasts } = deps;
  app.post("/api/v1/broadcasts", async (request, reply) => {
    const header = request.headers["idempotency-key"];
    const key = Array.isArray(header) ? header[0] : header;
    const { view, preview, replayed } = await broadcasts.create(requirePrincipal(request), request.body, key ?? null);
    if (replayed) reply.header("idempotent-replayed", "true");
    return reply.code(201).send({ ...view, preview });
  });
  app.get("/api/v1/broadcasts", async (request) => ({ broadcasts: await broadcasts.list(requirePrincipal(request), request.query) }));
  app.get("/api/v1/broadcasts/:id", async (request) => broadcasts.get(requirePrincipal(request), idParams.parse(request.params).id));
  app.patch("/api/v1/broadcasts/:id", async (request) => {
    const { view, preview } = await broadcasts.update(requirePrincipal(request), idParams.parse(request.params).id, request.body);
    return { ...view, preview };
  });
  app.get("/api/v1/broadcasts/:id/preview", async (request) => broadcasts.preview(requirePrincipal(request), idParams.parse(request.params).id));
  app.get("/api/v1/broadcasts/:id/unreached", async (request) => ({ hamlets: await broadcasts.unreached(requirePrincipal(request), idParams.parse(request.params).id) }));
  app.post("/api/v1/broadcasts/:id/send", async (request) => broadcasts.send(requirePrincipal(request), idParams.parse(request.params).id));
  app.post("/api/v1/broadcasts/:id/approve", async (request) => broadcasts.approve(requirePrincipal(request), idParams.parse(request.params).id));
  app.post("/api/v1/broadcasts/:id/cancel", async (request) => broadcasts.cancel(requirePrincipal(request), idParams.parse(request.params).id));
}

const counts = {
  type: "object",
  properties: Object.fromEntries(["total", "queued", "sent", "delivered", "failed", "unreachable", "unknown", "cancelled"].map((k) => [k, { type: "integer" }])),
};
const broadcastView = {
  type: "object",
  required: ["id", "status", "counts", "byChannel"],
  properties: {
    id: { type: "string", format: "uuid" },
    communeCode: { type: "string" },
    communeName: { type: "string" },
    hamlets: { type: "array", items: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } } },
    title: { type: "string" },
    body: { type: "string" },
    urgent: { type: "boolean" },
    status: { enum: ["DRAFT", "AWAITING_APPROVAL", "SCHEDULED", "SENDING", "SENT", "CANCELLED"] },
    statusLabel: { type: "string" },
    scheduledAt: { type: ["string", "null"], format: "date-time" },
    counts,
    byChannel: { type: "object", description: "TELEGRAM, ZALO_OA, SMS: queued, sent, delivered, failed, unknown, cancelled", additionalProperties: counts },
  },
};
const preview = {
  type: "object",
  properties: {
    texts: { type: "object", properties: { telegram: { type: "string" }, zalo: { type: "string" }, sms: { type: "string", description: "Without diacritics, shortened to the segment budget." } } },
    smsSegments: { type: "integer" },
    smsBudget: { type: "integer" },
    smsFitsBudget: { type: "boolean" },
    smsUsed: { type: "boolean", description: "Only urgent announcements go by SMS." },
    recipients: { type: "object", description: "total, byChannel (first channel tried), smsFallback, unreachable, unreachableByReason, optedOut, zaloOutsideWindow" },
    unreachableByReason: { type: "array", items: { type: "object" } },
    cost: { type: "object", description: "Estimated cost in đồng: sms, zalo, total, smsIfAllFallBack" },
  },
};
const withPreview = { allOf: [broadcastView, { type: "object", properties: { preview } }] };
const id = pathParameter("id");
const op = (summary: string, extra: Record<string, unknown>) => ({ summary, security: staffSecurity, ...extra });

export const broadcastPaths: PathItems = {
  "/api/v1/broadcasts": {
    post: op("Compose an announcement: a draft with its preview (commune staff)", {
      parameters: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 200 }, description: "A retried create with the same key answers the draft made the first time." }],
      requestBody: jsonBody(createBroadcastInput),
      responses: { "201": jsonResponse("The draft and its preview", withPreview), "400": errorResponse("Invalid input; nothing stored."), ...guardResponses },
    }),
    get: op("The announcements of my unit, newest first", {
      parameters: queryParameters(listBroadcastsQuery),
      responses: { "200": jsonResponse("Announcements", { type: "object", properties: { broadcasts: { type: "array", items: broadcastView } } }), ...guardResponses },
    }),
  },
  "/api/v1/broadcasts/{id}": {
    get: op("One announcement with its progress", { parameters: [id], responses: { "200": jsonResponse("The announcement", broadcastView), "404": errorResponse("No such announcement in my unit."), ...guardResponses } }),
    patch: op("Change a draft", {
      parameters: [id],
      requestBody: jsonBody(updateBroadcastInput),
      responses: { "200": jsonResponse("The draft and its preview", withPreview), "409": errorResponse("Not a draft any more."), "404": errorResponse("No such announcement in my unit."), ...guardResponses },
    }),
  },
  "/api/v1/broadcasts/{id}/preview": {
    get: op("How it will read on each channel, who it reaches, what it costs", { parameters: [id], responses: { "200": jsonResponse("Preview", preview), "404": errorResponse("No such announcement in my unit."), ...guardResponses } }),
  },
  "/api/v1/broadcasts/{id}/unreached": {
    get: op("Subscribers reached on no channel, by hamlet (for the hamlet head to visit)", {
      parameters: [id],
      responses: { "200": jsonResponse("By hamlet", { type: "object", properties: { hamlets: { type: "array", items: { type: "object" } } } }), "404": errorResponse("No such announcement in my unit."), ...guardResponses },
    }),
  },
  "/api/v1/broadcasts/{id}/send": {
    post: op("Send a draft: now, at its scheduled time, or (urgent) once approved. Repeating it changes nothing.", {
      parameters: [id],
      responses: { "200": jsonResponse("The announcement", broadcastView), "409": errorResponse("Cancelled."), "404": errorResponse("No such announcement in my unit."), ...guardResponses },
    }),
  },
  "/api/v1/broadcasts/{id}/approve": {
    post: op("Approve an urgent announcement (another staff member of the unit than its author, or an admin)", {
      parameters: [id],
      responses: { "200": jsonResponse("The announcement", broadcastView), "409": errorResponse("Not waiting for approval."), "404": errorResponse("No such announcement in my unit."), ...guardResponses, "403": errorResponse("This role may not approve, or the approver is the announcement's author (two-person rule).") },
    }),
  },
  "/api/v1/broadcasts/{id}/cancel": {
    post: op("Cancel: nothing is sent after this returns", {
      parameters: [id],
      responses: { "200": jsonResponse("The announcement", broadcastView), "409": errorResponse("Already sent."), "404": errorResponse("No such announcement in my unit."), ...guardResponses },
    }),
  },
};
