/** The OpenAPI paths that route modules describe themselves (from their zod schemas). */
import type { PathItems } from "./zod-paths.js";
import { hamletPagePaths, hamletPaths } from "../routes/hamlets.js";

export const OPENAPI_SECTIONS: PathItems[] = [hamletPaths, hamletPagePaths];
