import { describe, expect, it } from "vitest";
import { authorize, can, canTouchCommune, eventNamespace, eventSource, PERMISSIONS, ROUTES, unitScope, type Action, type Principal } from "../../src/auth/guard.js";
import type { StaffRole } from "../../src/generated/prisma/enums.js";

const principal = (role: StaffRole, unitCode: string | null, kind: Principal["kind"] = "api-key"): Principal => ({ kind, id: `${role}-${unitCode}`, name: role, role, unitCode });
const DAO_THANH = { code: "28249", parentCode: "82" };
const BA_DINH = { code: "00004", parentCode: "01" };

describe("the guard's policy", () => {
  it("lets each role do exactly its actions; ADMIN everything", () => {
    const table: Record<StaffRole, Action[]> = {
      ADMIN: Object.keys(PERMISSIONS) as Action[],
      INTEGRATION: ["dossier-events:write", "dossiers:read", "handovers:read", "calendar:read"],
      COMMUNE_STAFF: ["dossier-events:write", "dossiers:read", "bookings:read", "auth:self", "hamlets:read", "hamlets:write", "broadcasts:read", "broadcasts:write", "broadcasts:approve", "reports:read", "reports:write", "apology:write", "handovers:write", "handovers:read", "calendar:read", "staff-telegram:link"],
      POST_OFFICE_STAFF: ["bookings:read", "bookings:move", "auth:self", "handovers:write", "handovers:read", "calendar:read"],
    };
    for (const [role, allowed] of Object.entries(table) as [StaffRole, Action[]][]) {
      for (const action of Object.keys(PERMISSIONS) as Action[]) {
        expect(can(principal(role, "82"), action), `${role} ${action}`).toBe(allowed.includes(action));
      }
    }
  });

  it("answers 401 without a principal and 403 for a role that may not", () => {
    expect(() => authorize(null, "bookings:read")).toThrow(expect.objectContaining({ code: "UNAUTHORIZED" }));
    expect(() => authorize(principal("INTEGRATION", null), "bookings:read")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(authorize(principal("POST_OFFICE_STAFF", "82"), "bookings:move").role).toBe("POST_OFFICE_STAFF");
  });

  it("judges a signed-in staff member exactly like a key of the same role and unit", () => {
    for (const action of Object.keys(PERMISSIONS) as Action[]) {
      expect(can(principal("COMMUNE_STAFF", "28249", "session"), action)).toBe(can(principal("COMMUNE_STAFF", "28249"), action));
    }
    expect(canTouchCommune(principal("COMMUNE_STAFF", "28249", "session"), DAO_THANH)).toBe(true);
    expect(eventNamespace(principal("COMMUNE_STAFF", "28249", "session"))).toBe(eventNamespace(principal("COMMUNE_STAFF", "28249")));
  });

  it("confines a unit to its commune, or a province to its communes; a dossier without a commune to no unit", () => {
    expect(canTouchCommune(principal("COMMUNE_STAFF", "28249"), DAO_THANH)).toBe(true);
    expect(canTouchCommune(principal("COMMUNE_STAFF", "29955"), DAO_THANH)).toBe(false);
    expect(canTouchCommune(principal("POST_OFFICE_STAFF", "82"), DAO_THANH)).toBe(true);
    expect(canTouchCommune(principal("POST_OFFICE_STAFF", "82"), BA_DINH)).toBe(false);
    expect(canTouchCommune(principal("COMMUNE_STAFF", "82"), null)).toBe(false);
    expect(canTouchCommune(principal("ADMIN", "82"), BA_DINH)).toBe(true);
    expect(canTouchCommune(principal("INTEGRATION", null), null)).toBe(true);
    expect(unitScope(principal("ADMIN", "82"))).toBeNull();
    expect(unitScope(principal("INTEGRATION", "82"))).toBe("82");
  });

  it("keeps event ids apart per source: upstream shared, staff per unit", () => {
    expect(eventNamespace(principal("INTEGRATION", null))).toBe("upstream");
    expect(eventNamespace(principal("ADMIN", null))).toBe("upstream");
    expect(eventNamespace(null)).toBe("upstream");
    expect(eventNamespace(principal("COMMUNE_STAFF", "28249"))).toBe("unit:28249");
    expect(eventNamespace(principal("COMMUNE_STAFF", "29955"))).not.toBe(eventNamespace(principal("COMMUNE_STAFF", "28249")));
    // An integration key confined to a unit is not the upstream system: its ids are its unit's own.
    expect(eventNamespace(principal("INTEGRATION", "28249"))).toBe("upstream:28249");
    expect(eventNamespace(principal("INTEGRATION", "28249"))).not.toBe(eventNamespace(principal("INTEGRATION", null)));
    expect(eventNamespace(principal("INTEGRATION", "28249"))).not.toBe(eventNamespace(principal("COMMUNE_STAFF", "28249")));
    expect(eventSource(principal("INTEGRATION", "28249"))).toBe("UPSTREAM");
    expect(eventSource(principal("COMMUNE_STAFF", "28249"))).toBe("STAFF");
  });

  it("names an action for every guarded route", () => {
    for (const [route, action] of Object.entries(ROUTES)) expect(Object.keys(PERMISSIONS), route).toContain(action);
  });
});
