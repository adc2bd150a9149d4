/**
 * `work` with its answers kept by key: a pure function called again and again with few keys (a
 * locale's formatters, a day's formatted text, a brand colour's variables). At most `max` answers
 * are kept; when full, all are dropped and kept afresh, so a stream of new keys costs memory only
 * up to `max`. Not for answers that change (nothing here ever expires one). Not the LRU of
 * `lru-cache.server.ts` either: its hits reorder the map, which a formatter asked for on every row
 * of a page need not pay, and this one also runs in the browser.
 */
export function keptAnswers<K, V>(max: number, work: (key: K) => V): (key: K) => V {
  const answers = new Map<K, V>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = work(key);
      if (answers.size >= max) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  };
}
