/**
 * The working calendar API: every staff role reads a year's holidays and worked weekend days; an
 * admin adds, changes (PUT) and removes (DELETE) a day. Each write takes effect at once in this
 * process (the CalendarService's cache is dropped) and in others within five minutes.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { calendarDate, calendarDayInput, calendarYear, type CalendarService } from "../../calendar/calendar-service.js";
import { principalRef } from "../../broadcasts/broadcast-service.js";
import { dayKey } from "../../calendar/working-days.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";
import { errorResponse, guardResponses, jsonBody, jsonResponse, pathParameter, queryParameters, schemaOf, staffSecurity, type PathItems } from "../openapi/zod-paths.js";

export const calendarQuery = z.object({ year: calendarYear.optional().describe("The year (default: this year in Vietnam).") }).strict();
const dateParams = z.object({ date: calendarDate });

const daySchema = z.object({
  date: z.string().describe("yyyy-MM-dd"),
  kind: z.enum(["HOLIDAY", "WORKING_WEEKEND"]).describe("HOLIDAY: a day off (holiday, compensatory or added day); WORKING_WEEKEND: a Saturday or Sunday worked in exchange."),
  name: z.string(),
  source: z.string().describe("The rule it was computed by, or the notice that announced it."),
  confirmed: z.boolean().describe("false: computed by the rule, not yet checked against the year's official notice."),
  updatedBy: z.string().nullable().describe('"seed", or who changed it last ("session:<id>", "api-key:<id>").'),
  updatedAt: z.string(),
});
const yearResponse = z.object({ year: z.number().int(), seeded: z.boolean().describe("The seed stored this year's rule-computed holidays."), days: z.array(daySchema) });

export function registerCalendarRoutes(app: FastifyInstance, deps: { calendar: CalendarService }): void {
  app.get("/api/v1/calendar", async (request) => {
    requirePrincipal(request);
    const { year } = parseOrThrow(calendarQuery, request.query ?? {}, "year");
    return deps.calendar.year(year ?? Number(dayKey(new Date()).slice(0, 4)));
  });

  app.put("/api/v1/calendar/:date", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { date } = parseOrThrow(dateParams, request.params, "date");
    const body = parseOrThrow(calendarDayInput, request.body ?? {}, "body");
    const { day, created } = await deps.calendar.put(date, body, principalRef(principal), principal.name);
    return reply.code(created ? 201 : 200).send(day);
  });

  app.delete("/api/v1/calendar/:date", async (request, reply) => {
    requirePrincipal(request);
    const { date } = parseOrThrow(dateParams, request.params, "date");
    await deps.calendar.remove(date);
    return reply.code(204).send();
  });
}

export const calendarPaths: PathItems = {
  "/api/v1/calendar": {
    get: {
      summary: "A year of the working calendar: public holidays, compensatory and added days off, worked weekend days (every staff role)",
      security: staffSecurity,
      parameters: queryParameters(calendarQuery),
      responses: {
        "200": jsonResponse("The year's days, in date order; a day not listed is a working day Monday to Friday and a day off on the weekend.", schemaOf(yearResponse, "output")),
        "400": errorResponse("The year is not a year between 2000 and 2100."),
        ...guardResponses,
      },
    },
  },
  "/api/v1/calendar/{date}": {
    put: {
      summary: "Add or change a day of the working calendar (admin only)",
      security: staffSecurity,
      parameters: [pathParameter("date", "2026-09-01")],
      requestBody: jsonBody(calendarDayInput),
      responses: {
        "200": jsonResponse("The day, changed.", schemaOf(daySchema, "output")),
        "201": jsonResponse("The day, added.", schemaOf(daySchema, "output")),
        "400": errorResponse("The date or a field is not valid (it is named); a worked weekend day that is not a Saturday or Sunday. Nothing is stored."),
        ...guardResponses,
      },
    },
    delete: {
      summary: "Remove a day from the working calendar: it becomes an ordinary day again (admin only)",
      security: staffSecurity,
      parameters: [pathParameter("date", "2026-09-01")],
      responses: {
        "204": { description: "Removed." },
        "400": errorResponse("The date is not valid."),
        "404": errorResponse("The calendar has no entry for that day."),
        ...guardResponses,
      },
    },
  },
};
