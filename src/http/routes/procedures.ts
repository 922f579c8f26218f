import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { MAX_QUERY_LENGTH, type CatalogService } from "../../catalog/catalog-service.js";
import { NotFoundError } from "../../errors.js";
import { provenanceOf } from "../../catalog/provenance.js";
import { parseOrThrow } from "../errors.js";
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
  /** the variant label, for a procedure of a variant group (always in "choices") */
  variant: z.string().optional(),
});

/**
 * The answer to `GET /api/v1/procedures?q=`: the kind the search decided (src/catalog/search/answer.ts)
 * and the ranked `results` (kept for the readers written before `kind`; empty unless match or choices).
 */
export const searchResultSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("match"), results: z.array(rankedResult).min(1) }),
  z.object({ kind: z.literal("choices"), prompt: z.string().min(1), results: z.array(rankedResult.required({ variant: true })).min(2) }),
  z.object({ kind: z.literal("out-of-scope"), topic: z.string().min(1), whereToGo: z.string().min(1), results: z.array(rankedResult).max(0) }),
  z.object({ kind: z.literal("no-match"), results: z.array(rankedResult).max(0) }),
]);
export type SearchResponse = z.infer<typeof searchResultSchema>;

/** The search's answer as the API gives it: a match's results within the limit, every variant of a choices answer. */
export function searchResponse(answer: SearchAnswer, limit: number): SearchResponse {
  const result = (r: AnswerResult): z.infer<typeof rankedResult> => ({ code: r.code, name: r.name, score: r.score, ...(r.variant ? { variant: r.variant } : {}) });
  switch (answer.kind) {
    case "match":
      return searchResultSchema.parse({ kind: "match", results: answer.results.slice(0, limit).map(result) });
    case "choices":
      // the variants are a closed set (at most six): all of them, even past the limit
      return searchResultSchema.parse({ kind: "choices", prompt: answer.prompt, results: answer.results.map(result) });
    case "out-of-scope":
      return searchResultSchema.parse({ kind: "out-of-scope", topic: answer.topic, whereToGo: answer.whereToGo, results: [] });
    case "no-match":
      return searchResultSchema.parse({ kind: "no-match", results: [] });
  }
}

export function registerProcedureRoutes(app: FastifyInstance, catalog: CatalogService): void {
  app.get("/api/v1/procedures", async (request) => {
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
    return { ...procedure, provenance: provenanceOf(procedure) };
  });
}
