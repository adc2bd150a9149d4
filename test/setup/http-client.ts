import { Agent, setGlobalDispatcher } from "undici";

/**
 * Every `fetch` of a test process opens its own connection (no keep-alive pool).
 *
 * A test process blocks in `spawnSync` whenever it runs the CLI (`createMerchant`, `runCli`),
 * for seconds on a loaded machine. The server meanwhile closes the pooled idle connection (its
 * keep-alive timeout is 5 s), and the next fetch, sent before the process has read that close,
 * fails with "other side closed". A browser retries such a request; undici's fetch does not. A
 * fresh loopback connection per request costs nothing and removes the race.
 */
setGlobalDispatcher(new Agent({ pipelining: 0 }));
