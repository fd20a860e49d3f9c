/**
 * The entry `key` names in a table written as an object literal, or undefined. A plain
 * `table[key]` also finds what every object inherits (`toString`, `constructor`,
 * `__proto__`), so a name that came from a request must be looked up here, or in a Map.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
