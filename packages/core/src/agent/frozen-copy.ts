/**
 * A deep copy of plain data (objects whose prototype is Object.prototype or
 * null, and arrays), frozen at every level. Other values (class instances,
 * functions) are shared as they are: they belong to whoever passed them.
 *
 * Why a copy: the agent's config must not change under it (no plugin may
 * widen the policy), yet freezing in place would freeze the arrays an
 * embedder handed in and still uses (`blockRpcs`, ...).
 */
export function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map((v: unknown) => frozenCopy(v))) as T;
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) copy[k] = frozenCopy(v);
    return Object.freeze(copy) as T;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
