import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { MAX_QUERY_LENGTH, type CatalogService } from "../../catalog/catalog-service.js";
import { NotFoundError } from "../../errors.js";
import { provenanceOf } from "../../catalog/provenance.js";
import { parseOrThrow } from "../errors.js";

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

export const searchResultSchema = z.object({
  results: z.array(z.object({ code: z.string(), name: z.string(), score: z.number().min(0).max(1) })),
});

export function registerProcedureRoutes(app: FastifyInstance, catalog: CatalogService): void {
  app.get("/api/v1/procedures", async (request) => {
    const raw = request.query as Record<string, unknown>;
    if (raw.q === undefined && raw.limit === undefined) {
      const all = await catalog.list();
      return { procedures: all.map((p) => ({ code: p.code, name: p.name, field: p.field, reviewStatus: p.reviewStatus, origin: p.origin })) };
    }
    const { q, limit } = parseOrThrow(procedureSearchQuery, raw, "q");
    return { results: await catalog.search(q, limit) };
  });

  app.get("/api/v1/procedures/:code", async (request) => {
    const { code } = parseOrThrow(procedureCodeParam, request.params, "code");
    const procedure = await catalog.get(code);
    if (!procedure) throw new NotFoundError(`Không có thủ tục mã ${code} trong danh mục (no procedure with code ${code}).`);
    return { ...procedure, provenance: provenanceOf(procedure) };
  });
}
