import { logger } from "./logger.server";

/**
 * A loop beside the HTTP server (an outbox worker, the PDF warm-up). The server starts them once
 * it listens and stops them, in a graceful shutdown, before the database closes.
 */
export type BackgroundTask = { name: string; start(): void; stop(): Promise<void> };

let started: BackgroundTask[] = [];

export function startBackgroundTasks(tasks: BackgroundTask[]) {
  for (const task of tasks) {
    task.start();
    started.push(task);
    logger.debug({ task: task.name }, "background task started");
  }
}

export async function stopBackgroundTasks() {
  const tasks = started;
  started = [];
  await Promise.all(tasks.map((task) => task.stop()));
}
