import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AdminUnitService } from "../../admin-units/admin-unit-service.js";
import { NotFoundError } from "../../errors.js";
import { parseOrThrow } from "../errors.js";

export const adminUnitSearchQuery = z.object({
  q: z.string({ message: "q là bắt buộc (q is required)" }).trim().min(1, "q không được để trống (q must not be empty)").max(100, "q tối đa 100 ký tự"),
  level: z.enum(["province", "commune"], { message: "level là province hoặc commune" }).optional(),
  province: z.string().regex(/^\d{2}$/, "province là mã tỉnh 2 chữ số").optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export function registerAdminUnitRoutes(app: FastifyInstance, units: AdminUnitService): void {
  app.get("/api/v1/admin-units", async (request) => {
    const { q, level, province, limit } = parseOrThrow(adminUnitSearchQuery, request.query, "q");
    const results = await units.search(q, {
      ...(level ? { level: level === "province" ? ("PROVINCE" as const) : ("COMMUNE" as const) } : {}),
      ...(province ? { provinceCode: province } : {}),
      limit,
    });
    return { results };
  });

  app.get("/api/v1/admin-units/:code", async (request) => {
    const { code } = parseOrThrow(z.object({ code: z.string().regex(/^\d{2}$|^\d{5}$/, "mã đơn vị có 2 hoặc 5 chữ số") }), request.params, "code");
    const unit = await units.get(code);
    if (!unit) throw new NotFoundError(`Không có đơn vị hành chính mã ${code} (no administrative unit ${code}).`);
    return unit;
  });
}
