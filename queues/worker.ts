/** The BullMQ worker: validates each job's payload against the catalog and runs its handler. */
import { Worker, UnrecoverableError, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { jobCatalog } from "./catalog.js";
import type { JobDeps } from "./job-definition.js";
import { NOTIFICATIONS_QUEUE } from "./names.js";

export function startWorker(options: { connection: Redis; deps: JobDeps; logger: Logger; concurrency: number; prefix?: string }): Worker {
  const worker = new Worker(
    NOTIFICATIONS_QUEUE,
    async (job: Job) => {
      const def = jobCatalog[job.name];
      if (!def) throw new UnrecoverableError(`unknown job ${job.name}`);
      const payload = def.schema.safeParse(job.data);
      if (!payload.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${payload.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
      await def.handler(payload.data, options.deps);
    },
    { connection: options.connection, concurrency: options.concurrency, prefix: options.prefix ?? "motcua", autorun: true },
  );
  worker.on("failed", (job, error) => options.logger.error({ job: job?.name, jobId: job?.id, err: error }, "job failed"));
  worker.on("error", (error) => options.logger.error({ err: error }, "worker error"));
  return worker;
}
