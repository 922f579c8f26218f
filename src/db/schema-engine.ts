/**
 * Prisma's schema engine, compiled to WebAssembly, driven through the pg driver adapter.
 *
 * The `prisma` CLI downloads a native schema engine on first use, which needs the internet.
 * This module loads the same engine from `@prisma/schema-engine-wasm` (no download, no
 * `--experimental-wasm-modules` flag: the .wasm file is instantiated here) so migrations can be
 * applied and written offline, recorded in `_prisma_migrations` exactly as `prisma migrate deploy`
 * records them.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as engineGlue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

const require = createRequire(import.meta.url);
let wasmReady: Promise<void> | undefined;

async function loadWasm(): Promise<void> {
  const glueFile = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmFile = glueFile.replace(/schema_engine_bg\.js$/, "schema_engine_bg.wasm");
  const bytes = await readFile(wasmFile);
  const { instance } = await WebAssembly.instantiate(bytes, {
    "./schema_engine_bg.js": engineGlue as unknown as WebAssembly.ModuleImports,
  });
  const glue = engineGlue as unknown as { __wbg_set_wasm(exports: unknown): void };
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
}

export interface EngineConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

/** Splits a postgres URL into the explicit fields the engine needs (a URL's database would win over a shadow's). */
export function connectionFromUrl(url: string): EngineConnection {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname) || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || "postgres",
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres",
  };
}

export interface OpenEngineOptions {
  databaseUrl: string;
  schemaPath: string;
  schemaText: string;
  log?: (line: string) => void;
}

/**
 * The pg driver adapter, sending a migration's script to PostgreSQL whole (one simple-protocol
 * query, so one implicit transaction), as the native engine of `prisma migrate deploy` does. The
 * adapter's own `executeScript` splits the script at every ";", which cuts a function's body (or
 * a comment holding a ";") into pieces that fail.
 */
class WholeScriptPg extends PrismaPg {
  override async connect(): ReturnType<PrismaPg["connect"]> {
    const adapter = await super.connect();
    const pool = adapter.underlyingDriver();
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (error) {
        // The adapter's own conversion of a driver error (what the engine reads).
        (adapter as unknown as { onError(error: unknown): never }).onError(error);
      }
    };
    return adapter;
  }
}

export async function openSchemaEngine(options: OpenEngineOptions): Promise<SchemaEngine> {
  wasmReady ??= loadWasm();
  await wasmReady;
  const factory = bindMigrationAwareSqlAdapterFactory(new WholeScriptPg(connectionFromUrl(options.databaseUrl)));
  const Engine = (engineGlue as unknown as { SchemaEngine: typeof SchemaEngine }).SchemaEngine;
  const log = options.log ?? (() => undefined);
  return Engine.new({ datamodels: [[options.schemaPath, options.schemaText]] }, (line: string) => log(line), factory);
}
