import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { z } from "zod";
import { MAX_QUERY_LENGTH, type CatalogService } from "../../catalog/catalog-service.js";
import { NotFoundError, RateLimitedError } from "../../errors.js";
import { clientKey } from "../client-address.js";
import { feeText, provenanceOf } from "../../catalog/provenance.js";
import { parseOrThrow } from "../errors.js";
import type { ProcedureView } from "../../catalog/repository.js";
import type { AnswerResult, SearchAnswer } from "../../catalog/search/answer.js";

export const procedureSearchQuery = z.object({
  q: z
    .string({ message: "câu hỏi q là bắt buộc (the query parameter q is required)" })
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(1, "câu hỏi không được để trống (q must not be empty)")
        .max(MAX_QUERY_LENGTH, `câu hỏi dài quá ${MAX_QUERY_LENGTH} ký tự (q must be at most ${MAX_QUERY_LENGTH} characters)`),
    ),
  limit: z.coerce.number({ message: "limit phải là số (limit must be a number)" }).int("limit phải là số nguyên").min(1, "limit từ 1 đến 20").max(20, "limit từ 1 đến 20").default(5),
});

export const procedureCodeParam = z.object({
  code: z.string().regex(/^\d\.\d{6}$/, "mã thủ tục có dạng 1.001193 (a procedure code looks like 1.001193)"),
});

const rankedResult = z.object({
  code: z.string(),
  name: z.string(),
  score: z.number().min(0).max(1),
  /** the variant label, for a procedure of a variant group (on every variant of "choices"; the other procedures, third or after the variants, have none) */
  variant: z.string().optional(),
});

/**
 * The answer to `GET /api/v1/procedures?q=`: the kind the search decided (src/catalog/search/answer.ts)
 * and the ranked `results` (kept for the readers written before `kind`; empty unless match or choices).
 */
export const searchResultSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("match"), results: z.array(rankedResult).min(1) }),
  z.object({
    kind: z.literal("choices"),
    prompt: z.string().min(1),
    // two variants first, then the search's best other procedure (unlabelled) when it is at least
    // as sure as the third variant and less than 0.2 behind the best one, then the rest of the
    // variants, then the next best other procedures
    results: z
      .array(rankedResult)
      .refine(
        (rs) => rs[0]?.variant !== undefined && rs[1]?.variant !== undefined && rs.every((r, i) => r.variant || i === 2 || rs.slice(i).every((x) => !x.variant)),
        "two variants first; another procedure only third or after the variants",
      ),
  }),
  z.object({ kind: z.literal("out-of-scope"), topic: z.string().min(1), whereToGo: z.string().min(1), results: z.array(rankedResult).max(0) }),
  z.object({ kind: z.literal("no-match"), results: z.array(rankedResult).max(0) }),
]);
export type SearchResponse = z.infer<typeof searchResultSchema>;

const nullableText = (description: string) => z.string().nullable().describe(description);

const procedureDocumentSchema = z.object({
  position: z.number().int(),
  name: z.string().describe("The paper; a name ending in \":\" with no originals or copies is a heading of the list that introduces the papers after it."),
  formNumber: z.string().nullable(),
  originals: z.number().int().describe("Number of originals (bản chính) to submit."),
  copies: z.number().int().describe("Number of copies (bản sao) to submit."),
  note: z.string().nullable(),
});

/** `GET /api/v1/procedures/{code}`: one procedure, with the fee in the words citizens are told (the bot's) and as the source gives it. */
export const procedureResponseSchema = z.object({
  code: z.string().meta({ examples: ["1.001193"] }),
  name: z.string(),
  field: z.string(),
  level: z.string(),
  agency: nullableText("null: the source does not say (see provenance.unknown)."),
  processingTime: nullableText("null: the source does not say."),
  fee: nullableText(
    "The fee as citizens are told it, in the bot's words: where the source writes \"Miễn phí (…)\" with a note saying the amount is set by the province or a circular, who sets it and where to ask — never \"free\". null: the source does not say.",
  ),
  feeAsPublished: nullableText("The fee text exactly as the source gives it (the national portal writes \"Miễn phí\" whenever its amount field is 0, even where its note says the amount is set elsewhere); for reference, not to be shown as the fee."),
  postalSubmission: z.boolean().nullable().describe("The post office may carry the dossier in (null: unknown)."),
  postalReturn: z.boolean().nullable().describe("The post office may bring the result home (null: unknown)."),
  legalBasis: z.array(z.string()),
  aliases: z.array(z.string()),
  toShow: z.array(z.string()).describe("Papers to show (not hand in)."),
  notes: z.array(z.string()),
  sources: z.array(z.string()).describe("Public pages (http(s) addresses) and named public documents only."),
  confidence: z.enum(["HIGH", "MEDIUM", "LOW"]),
  reviewStatus: z.enum(["PUBLISHED", "NEEDS_REVIEW"]).describe("NEEDS_REVIEW: facts not yet confirmed by staff."),
  dataAsOf: nullableText("When the source copy was taken: YYYY-MM (portal records) or YYYY (curated)."),
  origin: z.enum(["CURATED", "PORTAL"]).describe("CURATED: the hand-checked procedures; PORTAL: the national portal's commune-level list."),
  correctedAt: z.iso.datetime().nullable().describe("When an admin last corrected the procedure; null while it is as published."),
  updatedAt: z.iso.datetime(),
  documents: z.array(procedureDocumentSchema).describe("Empty when the source lists none (provenance.unknown says so)."),
  provenance: z
    .object({
      statement: z.string().meta({ examples: ["Theo Cổng Dịch vụ công quốc gia, cập nhật 06/2026."] }),
      confirmAtDesk: nullableText("Below high confidence: the line asking to confirm at the one-stop desk."),
      unknown: z.array(z.object({ field: z.enum(["agency", "processingTime", "fee", "documents"]), text: z.string() })),
    })
    .describe("What citizens are told about where the facts come from."),
});
export type ProcedureResponse = z.output<typeof procedureResponseSchema>;

/** One procedure as the API serves it: the fee as the bot says it (`feeText`), the source's own words under `feeAsPublished`. */
export function procedureResponse(procedure: ProcedureView): ProcedureResponse {
  return procedureResponseSchema.parse({
    ...procedure,
    fee: procedure.fee === null ? null : feeText(procedure.fee),
    feeAsPublished: procedure.fee,
    correctedAt: procedure.correctedAt?.toISOString() ?? null,
    updatedAt: procedure.updatedAt.toISOString(),
    provenance: provenanceOf(procedure),
  });
}

/** The search's answer as the API gives it: a match's results within the limit, every variant of a choices answer (with other procedures, within the limit). */
export function searchResponse(answer: SearchAnswer, limit: number): SearchResponse {
  const result = (r: AnswerResult): z.infer<typeof rankedResult> => ({ code: r.code, name: r.name, score: r.score, ...(r.variant ? { variant: r.variant } : {}) });
  switch (answer.kind) {
    case "match":
      return searchResultSchema.parse({ kind: "match", results: answer.results.slice(0, limit).map(result) });
    case "choices":
      // the variants are a closed set (at most six places with the other procedure that may come
      // third): all of them, even past the limit; the other procedures are already within it
      return searchResultSchema.parse({ kind: "choices", prompt: answer.prompt, results: answer.results.map(result) });
    case "out-of-scope":
      return searchResultSchema.parse({ kind: "out-of-scope", topic: answer.topic, whereToGo: answer.whereToGo, results: [] });
    case "no-match":
      return searchResultSchema.parse({ kind: "no-match", results: [] });
  }
}

export interface ProcedureRoutesOptions {
  /** Where the requests are counted, and the keys' prefix. */
  redis: Redis;
  prefix: string;
  /** Questions (and look-ups) a client IP address may ask a minute. */
  perMinute: number;
}

/**
 * The catalog, open to anyone without a key, as the web chat is: so its search is limited per
 * client IP address in the same way (counted in Redis; `429` with Retry-After past `perMinute`
 * requests a minute to `GET /api/v1/procedures`). A question costs the search up to tens of
 * milliseconds (a long story): unlimited, a few clients asking in a loop would take the service's
 * time from everyone else. A procedure read by its code is a look-up, and is not counted.
 */
export async function registerProcedureRoutes(app: FastifyInstance, catalog: CatalogService, options: ProcedureRoutesOptions): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(fastifyRateLimit, {
      global: false,
      redis: options.redis,
      nameSpace: `${options.prefix}:procedures-rate:`,
      keyGenerator: (request) => clientKey(request.ip),
      errorResponseBuilder: (_request, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new RateLimitedError(`Quá nhiều yêu cầu trong một phút; vui lòng thử lại sau ${seconds} giây (too many requests: retry after ${seconds} s).`, seconds);
      },
    });
    procedureRoutes(scope, catalog, options.perMinute);
  });
}

function procedureRoutes(app: FastifyInstance, catalog: CatalogService, perMinute: number): void {
  app.get("/api/v1/procedures", { config: { rateLimit: { max: perMinute, timeWindow: 60_000 } } }, async (request) => {
    const raw = request.query as Record<string, unknown>;
    if (raw.q === undefined && raw.limit === undefined) {
      const all = await catalog.list();
      return { procedures: all.map((p) => ({ code: p.code, name: p.name, field: p.field, reviewStatus: p.reviewStatus, origin: p.origin })) };
    }
    const { q, limit } = parseOrThrow(procedureSearchQuery, raw, "q");
    return searchResponse(await catalog.ask(q, limit), limit);
  });

  app.get("/api/v1/procedures/:code", async (request) => {
    const { code } = parseOrThrow(procedureCodeParam, request.params, "code");
    const procedure = await catalog.get(code);
    if (!procedure) throw new NotFoundError(`Không có thủ tục mã ${code} trong danh mục (no procedure with code ${code}).`);
    return procedureResponse(procedure);
  });
}
