/** The OpenAPI 3.1 description served at /openapi.json. */
import { MAX_QUERY_LENGTH } from "../catalog/catalog-service.js";
import { OPENAPI_SECTIONS } from "./openapi/sections.js";
import { schemaOf } from "./openapi/zod-paths.js";
import { procedureResponseSchema } from "./routes/procedures.js";

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", examples: ["VALIDATION_FAILED", "NOT_FOUND", "UNAUTHORIZED"] },
        message: { type: "string" },
        field: { type: "string", description: "The input field at fault (validation errors)." },
      },
    },
  },
};

/** The procedure as `GET /api/v1/procedures/{code}` serves it, from the zod schema it is checked with. */
const procedureSchema = schemaOf(procedureResponseSchema, "output");

const rankedResultSchema = {
  type: "object",
  required: ["code", "name", "score"],
  properties: {
    code: { type: "string", examples: ["1.001193"] },
    name: { type: "string" },
    score: { type: "number", minimum: 0, maximum: 1, description: "Confidence; 0.7 or more and 0.2 ahead of the next is a sure answer." },
    variant: { type: "string", description: "The variant label, for a procedure of a variant group (on every variant of `choices`; the other procedures among them have none)." },
  },
};
const noResults = { type: "array", maxItems: 0, items: rankedResultSchema };

/** The answer to a citizen's question (src/catalog/search/answer.ts, src/http/routes/procedures.ts searchResultSchema). */
const searchAnswerSchema = {
  description: "What kind of answer the question gets; `results` is kept for readers written before `kind`.",
  oneOf: [
    {
      type: "object",
      required: ["kind", "results"],
      properties: { kind: { const: "match" }, results: { type: "array", minItems: 1, items: rankedResultSchema, description: "Best first, within `limit`." } },
    },
    {
      type: "object",
      required: ["kind", "prompt", "results"],
      properties: {
        kind: { const: "choices" },
        prompt: { type: "string", examples: ["Bạn cần thẻ căn cước trong trường hợp nào?"] },
        results: { type: "array", minItems: 2, items: rankedResultSchema, description: "Best first. Every variant that fits (each with its `variant`), even past `limit`, two of them first; the search's best other procedure (no `variant`) third when it is at least as sure as the third variant and less than 0.2 behind the best variant, before the rest of the variants (the variants and that procedure take at most six places); then, within `limit`, the next best other procedures (no `variant`): the question may be about none of the variants." },
      },
    },
    {
      type: "object",
      required: ["kind", "topic", "whereToGo", "results"],
      properties: {
        kind: { const: "out-of-scope" },
        topic: { type: "string", examples: ["Hộ chiếu"] },
        whereToGo: { type: "string", description: "Where the citizen should go instead." },
        results: noResults,
      },
    },
    { type: "object", required: ["kind", "results"], properties: { kind: { const: "no-match" }, results: noResults } },
  ],
};

const adminUnitSchema = {
  type: "object",
  properties: {
    code: { type: "string" },
    level: { enum: ["PROVINCE", "COMMUNE"] },
    name: { type: "string" },
    fullName: { type: "string" },
    unitType: { type: "string" },
    parentCode: { type: ["string", "null"] },
    provinceName: { type: ["string", "null"] },
  },
};

const dossierEventSchema = {
  type: "object",
  required: ["eventId", "dossierCode", "occurredAt"],
  properties: {
    eventId: { type: "string", maxLength: 128, examples: ["igate-000123"] },
    dossierCode: { type: "string", examples: ["H15.50.05.13-261008-0975"] },
    status: {
      enum: ["REGISTERED", "RECEIVED", "REFUSED", "PROCESSING", "SUPPLEMENT_REQUIRED", "PAYMENT_REQUIRED", "WITHDRAWN", "STOPPED", "RESULT_READY", "RETURNED", "DELAYED", "POSTAL_COLLECTED", "POSTAL_HANDED_TO_DESK", "RESULT_HANDED_TO_POST", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_FAILED"],
    },
    statusCode: { type: ["integer", "string"], minimum: 1, maximum: 10, pattern: "^(?:[1-9]|10)$", description: "The national status code (an integer 1–10, or its decimal string), instead of (or matching) status." },
    occurredAt: { type: "string", format: "date-time", description: "Not before 2000, not more than 5 minutes ahead of the server's clock; a staff event (commune staff's keys and sessions): at most 30 seconds ahead; one dated over 5 minutes before it arrives counts from its arrival (the time it named is kept in its payload). Without an offset, Vietnam time (UTC+7)." },
    procedure: { type: "object", properties: { code: { type: "string" }, name: { type: "string" } } },
    applicant: { type: "object", properties: { fullName: { type: "string" }, phone: { type: "string", description: "Vietnamese number in any common form" } } },
    communeCode: { type: "string", pattern: "^\\d{5}$" },
    channel: { enum: ["COUNTER", "ONLINE", "POSTAL"] },
    dueAt: { type: ["string", "null"], format: "date-time", description: "Not before 2000, at most 5 years ahead; a date alone is 17:00 that day, Vietnam time." },
    newDueAt: { type: ["string", "null"], format: "date-time", description: "As dueAt." },
    note: { type: ["string", "null"], maxLength: 2000 },
  },
};

/** A JSON body (request or response); every response object needs its description. */
const json = (schema: object, description = "Success") => ({ description, content: { "application/json": { schema } } });
const error = (description: string) => json({ $ref: "#/components/schemas/Error" }, description);

export function openApiDocument(serverUrl: string): object {
  return {
    openapi: "3.1.0",
    info: {
      title: "motcua",
      version: "0.1.0",
      description:
        "Thông báo hồ sơ một cửa và trợ lý thủ tục hành chính. Dossier notifications for citizens and the procedure catalog search.",
    },
    servers: [{ url: serverUrl }],
    paths: {
      "/healthz": { get: { summary: "Liveness", responses: { "200": { description: "The process is up." } } } },
      "/readyz": {
        get: {
          summary: "Readiness: PostgreSQL and Redis answer",
          responses: { "200": { description: "Ready" }, "503": { description: "A dependency is down; the body says which." } },
        },
      },
      "/api/v1/procedures": {
        get: {
          summary: "Search the procedure catalog (which documents do I need?)",
          description:
            "Without `q`, lists the catalog. With `q`, says what kind of answer the question gets (`kind`): `match` (the best procedures first, within `limit`), `choices` (several variants of one procedure fit: `prompt` asks which, each variant has its `variant` label; all variants are given, even past `limit`, two first; the best other procedure comes third when it is as sure as the third variant and less than 0.2 behind the best variant, the rest of the variants after it, at most six places in all; then the next best other procedures within `limit`), `out-of-scope` (no commune handles it: `topic` and `whereToGo`), or `no-match`. `results` is empty for the last two.",
          parameters: [
            { name: "q", in: "query", required: false, schema: { type: "string", minLength: 1, maxLength: MAX_QUERY_LENGTH }, example: "đăng ký khai sinh" },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 20, default: 5 } },
          ],
          responses: {
            "200": json({
              oneOf: [
                { $ref: "#/components/schemas/SearchAnswer" },
                { type: "object", properties: { procedures: { type: "array", items: { type: "object" } } } },
              ],
            }),
            "400": error("Empty or over-long query, or a bad limit."),
            "429": error("More than PROCEDURES_RATE_LIMIT requests a minute from this address; see Retry-After."),
          },
        },
      },
      "/api/v1/procedures/{code}": {
        get: {
          summary: "One procedure with its required documents",
          parameters: [{ name: "code", in: "path", required: true, schema: { type: "string", pattern: "^\\d\\.\\d{6}$" }, example: "1.001193" }],
          responses: { "200": json({ $ref: "#/components/schemas/Procedure" }), "400": error("Malformed code."), "404": error("No such procedure.") },
        },
      },
      "/api/v1/admin-units": {
        get: {
          summary: "Find provinces and communes by name (diacritics optional)",
          parameters: [
            { name: "q", in: "query", required: true, schema: { type: "string", minLength: 1, maxLength: 100 }, example: "hong ngu" },
            { name: "level", in: "query", required: false, schema: { enum: ["province", "commune"] } },
            { name: "province", in: "query", required: false, schema: { type: "string", pattern: "^\\d{2}$" } },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 50, default: 10 } },
          ],
          responses: { "200": json({ type: "object", properties: { results: { type: "array", items: adminUnitSchema } } }), "400": error("Bad query.") },
        },
      },
      "/api/v1/dossier-events": {
        post: {
          summary: "One dossier status event from the upstream one-stop system (or staff)",
          description:
            "Idempotent on eventId within the sender's namespace (upstream keys share one; staff have one per unit): the same id with the same content is a duplicate, with other content a 409. The event, the dossier's new state and the notices it causes are stored in one transaction. An event older than the dossier's latest is recorded in the history but changes nothing on the dossier. A key with a unit (staff) writes only dossiers whose commune is in its unit.",
          security: [{ integrationKey: [] }],
          requestBody: { required: true, ...json({ $ref: "#/components/schemas/DossierEvent" }) },
          responses: {
            "202": json({ type: "object", properties: { accepted: { type: "integer" }, duplicates: { type: "integer" }, eventId: { type: "string" }, duplicate: { type: "boolean" }, applied: { type: "boolean" }, notices: { type: "integer" } } }),
            "400": error("A malformed event (a date in the future or before 2000, a NUL or unpaired surrogate in any text, a statusCode that is not 1–10, …); `field` names the bad field. Nothing is stored."),
            "401": error("Missing or invalid key."),
            "403": error("This key's role may not post events, or the dossier (its stored commune, or the commune named) is outside the key's unit. Nothing is stored."),
            "409": error("The eventId was already used for an event with different content; `field` names it. Nothing is stored."),
            "429": error("Too many failed authentications from this address; see Retry-After."),
          },
        },
      },
      "/api/v1/dossier-events/batch": {
        post: {
          summary: "Up to 1,000 events at once",
          description: "The whole batch is checked first: one malformed (400), forbidden (403) or conflicting (409) event refuses the batch (field `events[i].…`), storing nothing.",
          security: [{ integrationKey: [] }],
          requestBody: { required: true, ...json({ type: "object", required: ["events"], properties: { events: { type: "array", minItems: 1, maxItems: 1000, items: { $ref: "#/components/schemas/DossierEvent" } } } }) },
          responses: {
            "202": json({
              type: "object",
              properties: {
                accepted: { type: "integer" },
                duplicates: { type: "integer" },
                results: { type: "array", items: { type: "object", properties: { eventId: { type: "string" }, dossierCode: { type: "string" }, outcome: { enum: ["accepted", "duplicate"] }, applied: { type: "boolean" }, notices: { type: "integer" } } } },
              },
            }),
            "400": error("A malformed event or batch."),
            "401": error("Missing or invalid key."),
            "403": error("An event outside the key's unit (`events[i].…`); nothing is stored."),
            "409": error("An eventId reused with different content (`events[i].eventId`); nothing is stored."),
            "429": error("Too many failed authentications from this address; see Retry-After."),
          },
        },
      },
      "/api/v1/sandbox/messages": {
        get: {
          summary: "Messages the sandbox stored in place of providers without credentials, newest first",
          parameters: [
            { name: "channel", in: "query", required: false, schema: { enum: ["TELEGRAM", "ZALO_OA", "ZNS", "SMS"] } },
            { name: "recipient", in: "query", required: false, schema: { type: "string" } },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 500, default: 50 } },
          ],
          responses: { "200": json({ type: "object", properties: { messages: { type: "array", items: { type: "object" } } } }), "401": error("In production: missing or invalid key."), "403": error("In production: not an ADMIN key."), "429": error("In production: too many failed authentications from this address; see Retry-After.") },
        },
      },
      "/api/v1/chat": {
        post: {
          summary: "The web chat: one message to the citizens' bot, its replies",
          description:
            "The conversation is named by the server in a signed HttpOnly cookie (motcua_chat), issued when missing or invalid; a conversationId in the body is ignored. Limited per client IP (WEB_CHAT_RATE_LIMIT a minute).",
          requestBody: {
            required: true,
            ...json({ type: "object", properties: { conversationId: { description: "Ignored (older clients sent it)." }, text: { type: "string" }, button: { type: "string" } } }),
          },
          responses: {
            "200": json({ type: "object", properties: { replies: { type: "array", items: { type: "object", properties: { text: { type: "string" }, buttons: { type: "array", items: { type: "array", items: { type: "object", properties: { label: { type: "string" }, data: { type: "string" } } } } } } } } } }),
            "400": error("Malformed message."),
            "429": error("Too many requests from this address; see Retry-After."),
          },
        },
      },
      "/api/v1/dossiers/{code}": {
        get: {
          summary: "A dossier of the key's unit with its history: status events, and every notice with its channels and outcome (delivered, sent, pending, checking, unknown, failed, cancelled)",
          security: [{ integrationKey: [] }],
          parameters: [{ name: "code", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": json({ type: "object", properties: { code: { type: "string" }, status: { type: "string" }, events: { type: "array", items: { type: "object" } }, notices: { type: "array", items: { type: "object" } } } }),
            "400": error("Not a dossier code."),
            "401": error("Missing or invalid key."),
            "403": error("This key's role may not."),
            "404": error("No such dossier in the key's unit."),
            "429": error("Too many failed authentications from this address; see Retry-After."),
          },
        },
      },
      "/webhooks/twilio/status": {
        post: {
          summary: "Twilio status callbacks (X-Twilio-Signature verified; statuses only move forward)",
          responses: { "204": { description: "Recorded" }, "403": error("Bad signature; nothing changed.") },
        },
      },
      "/webhooks/twilio/sms": {
        post: {
          summary:
            "A citizen's text message to the Twilio number (its \"A message comes in\" URL; form fields From, To, Body, MessageSid, NumMedia…; X-Twilio-Signature verified). Each MessageSid is taken once; the bot's answer goes back as an SMS through the Twilio API, at most SMS_REPLIES_PER_HOUR a phone and SMS_REPLIES_PER_HOUR_TOTAL over every phone",
          responses: {
            "200": { description: "Taken (also for repeats): an empty TwiML <Response/>, Twilio sends nothing itself", content: { "text/xml": { schema: { type: "string" } } } },
            "400": error("Not a message Twilio sends (no E.164 From, no MessageSid, a Body over 1,600 characters, a NUL); nothing stored."),
            "403": error("Bad signature; nothing stored."),
          },
        },
      },
      "/webhooks/zalo": {
        post: {
          summary: "Zalo OA events: delivery receipts (OA and ZNS), follow/unfollow, user messages (X-ZEvent-Signature verified)",
          responses: { "200": { description: "Handled (also for repeats)" }, "403": error("Bad signature; nothing changed.") },
        },
      },
      "/webhooks/telegram": {
        post: {
          summary: "Telegram bot updates (webhook mode: served by the api role only when TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET are set; X-Telegram-Bot-Api-Secret-Token verified; each update_id is taken once)",
          responses: {
            "200": json({ type: "object", properties: { ok: { const: true }, repeated: { type: "boolean", description: "An update_id already taken: nothing changed." } } }, "Handled (also for repeats)"),
            "403": error("Missing or wrong secret token; nothing changed."),
          },
        },
      },
      "/api/v1/admin-units/{code}": {
        get: {
          summary: "One administrative unit",
          parameters: [{ name: "code", in: "path", required: true, schema: { type: "string" }, example: "29955" }],
          responses: { "200": json(adminUnitSchema), "404": error("No such unit.") },
        },
      },
      ...Object.assign({}, ...OPENAPI_SECTIONS),
    },
    components: {
      schemas: { Error: errorSchema, Procedure: procedureSchema, SearchAnswer: searchAnswerSchema, AdminUnit: adminUnitSchema, DossierEvent: dossierEventSchema },
      securitySchemes: {
        integrationKey: {
          type: "http",
          scheme: "bearer",
          description:
            "An API key from `motcua keys create --role <integration|commune_staff|post_office_staff|admin> --name <name> [--unit <code>]`; each route says which roles may call it, and a key with a unit reaches only that unit's data.",
        },
        staffSession: {
          type: "apiKey",
          in: "cookie",
          name: "motcua_staff",
          description:
            "A staff member's session, set by POST /api/v1/auth/login; a state-changing request also sends the session's CSRF token in the X-CSRF-Token header.",
        },
      },
    },
  };
}
