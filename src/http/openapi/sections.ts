/** The OpenAPI paths that route modules describe themselves (from their zod schemas). */
import { authPaths } from "../routes/auth.js";
import { broadcastPaths } from "../routes/broadcasts.js";
import { dossierPaths } from "../routes/dossiers.js";
import { hamletPaths } from "../routes/hamlets.js";
import { reportPaths } from "../routes/reports.js";
import type { PathItems } from "./zod-paths.js";

export const OPENAPI_SECTIONS: PathItems[] = [broadcastPaths, authPaths, hamletPaths, dossierPaths, reportPaths];
