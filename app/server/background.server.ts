import { logger } from "~/utils/logger.server";

/**
 * Background loops (mail sender, webhook deliveries) register here so that start-up starts them
 * and graceful shutdown stops them before the database closes.
 */
export type BackgroundTask = { name: string; start(): void; stop(): Promise<void> };

const tasks: BackgroundTask[] = [];

export function registerBackgroundTask(task: BackgroundTask) {
  tasks.push(task);
}

export function startBackgroundTasks() {
  for (const task of tasks) {
    task.start();
    logger.debug({ task: task.name }, "background task started");
  }
}

export async function stopBackgroundTasks() {
  await Promise.all(tasks.map((task) => task.stop()));
}
