// emitEvent wakes the delivery loop through this tiny module, so models never import the loop.
let listener: (() => void) | null = null;

export function onDeliveriesQueued(fn: (() => void) | null) {
  listener = fn;
}

/**
 * Called inside the transaction that writes the event: the loop is woken on a timer, which runs
 * only after the synchronous transaction has committed (or rolled back, when a tick finds nothing).
 */
export function deliveriesQueued() {
  listener?.();
}
