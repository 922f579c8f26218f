/**
 * The hamlets API (staff of a commune, or of its province): list with subscriber counts, add,
 * rename, confirm a citizen's proposal, merge, and import a CSV list (preview first, then commit).
 * The guard lets the role in (ROUTES); HamletService confines it to its unit.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ValidationError } from "../../errors.js";
import type { HamletService, ImportResult } from "../../hamlets/hamlet-service.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";
import { errorResponse, guardResponses, jsonBody, jsonResponse, pathParameter, queryParameters, schemaOf, staffSecurity, type PathItems } from "../openapi/zod-paths.js";
import { unsafeTextAt } from "../raw-body.js";

const communeCode = z.string().regex(/^\d{1,10}$/, "mã xã/phường là chữ số (ví dụ 30001)");
/** Length bounds here are the transport's; the service checks names and codes properly (control characters, 80 characters). */
const name = z.string({ message: "tên ấp/khóm là chữ" }).max(1000, "tên quá dài");
const code = z.string().max(100, "mã quá dài").nullable();

export const listQuery = z.object({ communeCode: communeCode.optional().describe("The commune; staff of one commune may leave it out.") });
export const createBody = z.object({ communeCode, name, code: code.optional() });
export const renameBody = z.object({ name, code: code.optional().describe("Absent: unchanged; null or empty: removed.") });
export const mergeBody = z.object({ intoId: z.uuid("intoId là id của ấp/khóm giữ lại") });
const boolText = z.enum(["true", "false"], { message: "commit là true hoặc false" }).transform((v) => v === "true");
export const importQuery = z.object({
  communeCode: communeCode.optional().describe("The commune (required with a text/csv body)."),
  commit: boolText.optional().describe("false (default): preview only; true: add the new rows, only if no row has an error."),
});
export const importJsonBody = z.object({ communeCode, csv: z.string().max(1_000_000, "tệp quá lớn"), commit: z.boolean().optional() });
const idParams = z.object({ id: z.string().max(100) });

const hamletSchema = z.object({
  id: z.uuid(),
  communeCode: z.string(),
  code: z.string().nullable(),
  name: z.string(),
  proposedByCitizen: z.boolean().describe("Named by a citizen in the bot, not yet confirmed by staff."),
  subscribers: z.number().int().describe("Active announcement subscriptions naming this hamlet."),
  createdAt: z.string(),
});
const listResponse = z.object({
  commune: z.object({ code: z.string(), name: z.string(), fullName: z.string() }),
  wholeCommuneSubscribers: z.number().int(),
  hamlets: z.array(hamletSchema),
});
const importResponse = z.object({
  communeCode: z.string(),
  committed: z.boolean(),
  created: z.number().int().describe("Rows to add (preview) or added (commit)."),
  existing: z.number().int().describe('Rows naming a hamlet the commune already has: skipped, not errors.'),
  errors: z.number().int(),
  rows: z.array(
    z.object({
      line: z.number().int(),
      code: z.string().nullable(),
      name: z.string(),
      status: z.enum(["new", "exists", "error"]),
      message: z.string().nullable(),
    }),
  ),
});
const mergeResponse = z.object({
  kept: hamletSchema,
  moved: z.object({ subscriptions: z.number().int(), cancelledDuplicates: z.number().int(), bookings: z.number().int(), broadcasts: z.number().int(), recipients: z.number().int() }),
});

export function registerHamletRoutes(app: FastifyInstance, deps: { hamlets: HamletService }): void {
  app.register(async (scope) => {
    // CSV as it is: text, UTF-8; checked for NUL and lone surrogates like every other body.
    scope.addContentTypeParser(["text/csv", "text/plain"], { parseAs: "string" }, (request, body, done) => {
      const text = typeof body === "string" ? body : body.toString("utf8");
      request.rawBody = text;
      if (unsafeTextAt(text, "csv") !== null) return done(new ValidationError("csv: chứa ký tự không hợp lệ (contains a NUL character or an unpaired surrogate)", { field: "csv" }), undefined);
      done(null, text);
    });

    scope.get("/api/v1/hamlets", async (request) => {
      const principal = requirePrincipal(request);
      const query = parseOrThrow(listQuery, request.query, "communeCode");
      return deps.hamlets.list(principal, await deps.hamlets.communeCodeFor(principal, query.communeCode));
    });

    scope.post("/api/v1/hamlets", async (request, reply) => {
      const principal = requirePrincipal(request);
      const body = parseOrThrow(createBody, request.body ?? {}, "body");
      const created = await deps.hamlets.add(principal, body);
      return reply.status(201).send(created);
    });

    scope.patch("/api/v1/hamlets/:id", async (request) => {
      const principal = requirePrincipal(request);
      const { id } = parseOrThrow(idParams, request.params, "id");
      const body = parseOrThrow(renameBody, request.body ?? {}, "body");
      return deps.hamlets.rename(principal, id, body);
    });

    scope.post("/api/v1/hamlets/:id/confirm", async (request) => {
      const principal = requirePrincipal(request);
      const { id } = parseOrThrow(idParams, request.params, "id");
      return deps.hamlets.confirm(principal, id);
    });

    scope.post("/api/v1/hamlets/:id/merge", async (request) => {
      const principal = requirePrincipal(request);
      const { id } = parseOrThrow(idParams, request.params, "id");
      const { intoId } = parseOrThrow(mergeBody, request.body ?? {}, "intoId");
      return deps.hamlets.merge(principal, id, intoId);
    });

    scope.post("/api/v1/hamlets/import", async (request, reply) => {
      const principal = requirePrincipal(request);
      const query = parseOrThrow(importQuery, request.query, "query");
      let input: { communeCode: string; csv: string; commit: boolean };
      if (typeof request.body === "string") {
        input = { communeCode: await deps.hamlets.communeCodeFor(principal, query.communeCode), csv: request.body, commit: query.commit ?? false };
      } else {
        const body = parseOrThrow(importJsonBody, request.body ?? {}, "body");
        input = { communeCode: body.communeCode, csv: body.csv, commit: body.commit ?? query.commit ?? false };
      }
      const result = await deps.hamlets.importCsv(principal, input);
      if (input.commit && result.errors > 0) throw importRefused(result);
      return reply.status(result.committed ? 201 : 200).send(result);
    });
  });
}

/** A commit with errors: 400, every bad row an issue, nothing stored. */
function importRefused(result: ImportResult): ValidationError {
  const issues = result.rows.filter((r) => r.status === "error").map((r) => ({ field: `line ${r.line}`, message: r.message ?? "" }));
  return new ValidationError(`csv: ${result.errors} dòng có lỗi, chưa lưu gì; sửa rồi gửi lại (${result.errors} rows have errors; nothing was saved)`, { field: "csv", issues });
}

const hamletJson = schemaOf(hamletSchema, "output");
const refused = {
  ...guardResponses,
  "400": errorResponse("A field is invalid (the error names it): a name with control characters, longer than 80 characters, or without a letter or digit; a malformed code."),
};

export const hamletPaths: PathItems = {
  "/api/v1/hamlets": {
    get: {
      summary: "The hamlets of a commune, with their subscribers",
      tags: ["Hamlets"],
      security: staffSecurity,
      parameters: queryParameters(listQuery),
      responses: {
        "200": jsonResponse("The commune, its active whole-commune subscriptions, and its hamlets (by name).", schemaOf(listResponse, "output")),
        ...refused,
        "404": errorResponse("No such commune."),
      },
    },
    post: {
      summary: "Add a hamlet",
      tags: ["Hamlets"],
      security: staffSecurity,
      requestBody: jsonBody(createBody),
      responses: {
        "201": jsonResponse("The hamlet added (confirmed: staff named it).", hamletJson),
        ...refused,
        "404": errorResponse("No such commune."),
        "409": errorResponse("The commune has a hamlet of that name (compared without marks, case or extra spaces) or code."),
      },
    },
  },
  "/api/v1/hamlets/{id}": {
    patch: {
      summary: "Rename a hamlet (and set or remove its code); confirms it",
      tags: ["Hamlets"],
      security: staffSecurity,
      parameters: [pathParameter("id")],
      requestBody: jsonBody(renameBody),
      responses: {
        "200": jsonResponse("The hamlet, renamed.", hamletJson),
        ...refused,
        "404": errorResponse("No such hamlet in the caller's unit."),
        "409": errorResponse("Another hamlet of the commune has that name or code."),
      },
    },
  },
  "/api/v1/hamlets/{id}/confirm": {
    post: {
      summary: "Confirm a hamlet a citizen named in the bot, as it is",
      tags: ["Hamlets"],
      security: staffSecurity,
      parameters: [pathParameter("id")],
      responses: { "200": jsonResponse("The hamlet, no longer flagged.", hamletJson), ...guardResponses, "404": errorResponse("No such hamlet in the caller's unit.") },
    },
  },
  "/api/v1/hamlets/{id}/merge": {
    post: {
      summary: "Merge a hamlet into another of the same commune",
      description:
        "In one transaction: the hamlet's subscriptions, bookings and announcement targets (BroadcastHamlet, BroadcastRecipient) move to `intoId`; a subscription the same chat already has on the kept hamlet is cancelled instead of duplicated; then the hamlet is deleted. The kept hamlet is confirmed.",
      tags: ["Hamlets"],
      security: staffSecurity,
      parameters: [pathParameter("id")],
      requestBody: jsonBody(mergeBody),
      responses: {
        "200": jsonResponse("The kept hamlet and what moved.", schemaOf(mergeResponse, "output")),
        ...refused,
        "404": errorResponse("Either hamlet is not in the caller's unit (or does not exist)."),
      },
    },
  },
  "/api/v1/hamlets/import": {
    post: {
      summary: "Import a commune's hamlets from CSV: preview, then commit",
      description: [
        "The CSV: UTF-8 (a BOM is dropped), comma- or semicolon-separated, one hamlet a row: `name`, or `code,name`. A first row naming the columns (`name`/`tên`, `code`/`mã`) is a header, and the columns may then come in any order. Empty rows are skipped; at most 1000 rows.",
        "Send it as `text/csv` with `?communeCode=` (and `&commit=true` to save), or as JSON `{communeCode, csv, commit}`.",
        'Every row comes back with its status: `new` (to add), `exists` (the commune has a hamlet of that name: skipped, not an error, so a list may be imported again), or `error` with the reason (a bad name or code; a name or code repeated in the file; a code another hamlet has; a name the commune has under another code).',
        "Without `commit` (or `commit=false`) nothing is saved: 200 with the rows. With `commit=true` the new rows are added in one transaction (201) — only when no row has an error; otherwise 400 naming every bad row and nothing is saved.",
      ].join("\n\n"),
      tags: ["Hamlets"],
      security: staffSecurity,
      parameters: queryParameters(importQuery),
      requestBody: {
        required: true,
        content: {
          "text/csv": { schema: { type: "string" }, example: "code,name\nA1,Ấp 1\nA2,Ấp 2\n" },
          "application/json": { schema: schemaOf(importJsonBody) },
        },
      },
      responses: {
        "200": jsonResponse("The preview: every row with its status; nothing saved.", schemaOf(importResponse, "output")),
        "201": jsonResponse("Committed: the new rows were added.", schemaOf(importResponse, "output")),
        ...refused,
        "404": errorResponse("No such commune."),
        "409": errorResponse("A hamlet of the same name or code was added meanwhile; preview again."),
      },
    },
  },
};
