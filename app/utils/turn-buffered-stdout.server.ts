import fs from "node:fs";

/**
 * A log destination that writes once per event-loop turn: lines logged during a turn are joined
 * and written with one write(2) when the turn's I/O is done (setImmediate), in the order they
 * were logged. Under load a turn serves many requests, so many request lines share one system
 * call; idle, a line is written as soon as the turn that logged it ends, well under a millisecond
 * later. Writing stays synchronous (no thread pool, no reordering), and pending lines are bounded:
 * past `maxPendingChars` characters they are written at once.
 *
 * On `exit` (process.exit, the end of the event loop, an uncaught error) whatever is pending is
 * written before the process ends; only a kill -9 can lose the lines of the turn it interrupts.
 * A full non-blocking pipe (EAGAIN) is waited out as pino's synchronous stdout does; a closed one
 * (EPIPE) ends logging.
 */
export class TurnBufferedStdout {
  private pending: string[] = [];
  private pendingChars = 0;
  private scheduled = false;
  private closed = false;
  private readonly flushNow = () => this.flush();

  constructor(
    private readonly fd: number,
    private readonly maxPendingChars = 64 * 1024,
  ) {
    process.on("exit", this.flushNow);
  }

  write(line: string): void {
    if (this.closed) return;
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= this.maxPendingChars) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow).unref();
    }
  }

  /** Writes every pending line now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.closed) return;
    let buffer = Buffer.from(this.pending.length === 1 ? this.pending[0]! : this.pending.join(""), "utf8");
    this.pending = [];
    this.pendingChars = 0;
    while (buffer.length > 0) {
      try {
        buffer = buffer.subarray(fs.writeSync(this.fd, buffer));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EBUSY") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        else {
          // EPIPE (the reader is gone) or a broken descriptor: nothing more can be logged.
          this.closed = true;
          process.off("exit", this.flushNow);
          return;
        }
      }
    }
  }
}
