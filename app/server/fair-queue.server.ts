import type { IncomingMessage, ServerResponse } from "node:http";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Starts requests in arrival order, one per turn of the event loop (docs/decisions/010-fair-queue.md).
 * It wraps what Express serves (pages); the node:http front answers the API at once.
 *
 * Node accepts one queued connection per turn of the event loop, and a turn serves every request
 * that is ready: at 50 connections on a busy page a turn lasted 250–550 ms, so the k-th new
 * connection waited k such turns to be accepted (p99 of seconds while p50 was 169 ms). Starting
 * one request per turn keeps turns one request long: new connections are accepted at once, and
 * requests are served first come, first served. A request already started runs on as before
 * (its awaits and I/O are not held); an idle server starts a request in the same turn.
 */
export function fairQueue(handle: Handler): Handler {
  const queue: Array<[IncomingMessage, ServerResponse]> = [];
  let head = 0;
  let scheduled = false;

  const startNext = () => {
    scheduled = false;
    while (head < queue.length) {
      const [req, res] = queue[head];
      queue[head++] = undefined as never;
      // A client that went away while waiting gets nothing started for it.
      if (req.socket.destroyed) continue;
      handle(req, res);
      break;
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else {
      // Under steady load the queue may never run empty: drop the started part now and then.
      if (head >= 1024) {
        queue.splice(0, head);
        head = 0;
      }
      scheduled = true;
      setImmediate(startNext);
    }
  };

  return (req, res) => {
    queue.push([req, res]);
    if (!scheduled) {
      scheduled = true;
      setImmediate(startNext);
    }
  };
}
