/** The OpenAPI paths that route modules describe themselves (from their zod schemas). */
import { authPaths } from "../routes/auth.js";
import { bookingPaths } from "../routes/bookings.js";
import { broadcastPaths } from "../routes/broadcasts.js";
import { dossierPaths } from "../routes/dossiers.js";
import { calendarPaths } from "../routes/calendar.js";
import { dossierFormPaths } from "../routes/dossier-forms.js";
import { hamletPaths } from "../routes/hamlets.js";
import { reportPaths } from "../routes/reports.js";
import type { PathItems } from "./zod-paths.js";

export const OPENAPI_SECTIONS: PathItems[] = [broadcastPaths, authPaths, hamletPaths, dossierPaths, bookingPaths, reportPaths, dossierFormPaths, calendarPaths];
