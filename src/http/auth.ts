import type { FastifyRequest } from "fastify";
import { ForbiddenError, UnauthorizedError, type ApiKeyService, type Principal } from "../auth/api-keys.js";
import type { StaffRole } from "../generated/prisma/enums.js";

/** The caller's key, or 401; 403 when its role is not among `roles` (ADMIN may do everything). */
export async function requireRole(keys: ApiKeyService, request: FastifyRequest, roles: StaffRole[]): Promise<Principal> {
  const principal = await keys.authenticate(request.headers.authorization);
  if (!principal) throw new UnauthorizedError();
  if (principal.role !== "ADMIN" && !roles.includes(principal.role)) {
    throw new ForbiddenError(`Khóa "${principal.name}" (${principal.role}) không được dùng cho việc này (this key's role may not do this).`);
  }
  return principal;
}
