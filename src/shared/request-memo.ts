/**
 * What one request works out about an object made for it alone (the signed-in principal of a
 * console request), kept with the object for as long as it lives: several questions a page asks
 * share one answer, and the next request, with its own object, reads afresh.
 */
const scoped = new WeakMap<object, Map<string, Promise<unknown>>>();

/** Marks `owner` as made for one request: `rememberForRequest` keeps answers with it from now on. */
export function scopeToRequest<T extends object>(owner: T): T {
  if (!scoped.has(owner)) scoped.set(owner, new Map());
  return owner;
}

/** Whether `owner` was made for one request (`scopeToRequest`). */
export function isRequestScoped(owner: object): boolean {
  return scoped.has(owner);
}

/** `load`'s answer for `owner`, worked out once per request when `owner` is request-scoped, else each time. */
export function rememberForRequest<T>(owner: object, key: string, load: () => Promise<T>): Promise<T> {
  const memo = scoped.get(owner);
  if (!memo) return load();
  let answer = memo.get(key) as Promise<T> | undefined;
  if (!answer) {
    answer = load();
    memo.set(key, answer);
    // A failed load is not remembered.
    answer.catch(() => memo.delete(key));
  }
  return answer;
}
