/** The OpenAPI paths that route modules describe themselves (from their zod schemas). */
import { broadcastPaths } from "../routes/broadcasts.js";
import type { PathItems } from "./zod-paths.js";
import { hamletPaths } from "../routes/hamlets.js";

export const OPENAPI_SECTIONS: PathItems[] = [broadcastPaths, hamletPaths];
