import { defineConfig } from "prisma/config";

// Used by the stock Prisma CLI (`prisma generate`, and `prisma migrate deploy` where the internet
// is reachable). Offline, `npm run db:migrate` applies the same migrations through the
// WebAssembly schema engine (src/db/migrations.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/motcua",
  },
});
