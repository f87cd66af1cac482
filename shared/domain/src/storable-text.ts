/** NUL, which PostgreSQL's text cannot hold (SQLSTATE 22021). */
const NUL = '\u0000';

/** A UTF-16 surrogate without its other half (not valid Unicode; PostgreSQL refuses it). */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LONE_SURROGATE = new RegExp(LONE_SURROGATES.source);

/** Whether PostgreSQL can store `text` as given: no NUL, no lone UTF-16 surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes(NUL) && !LONE_SURROGATE.test(text);
}

/** `text` made storable: NUL removed, lone surrogates replaced by U+FFFD (for text that must go in). */
export function toStorableText(text: string): string {
  return text.replaceAll(NUL, '').replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * The path (e.g. `['reason']`) of the first string in a JSON-like value that PostgreSQL cannot
 * store, or undefined when every string can be stored. Object keys are checked too.
 */
export function unstorableTextAt(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[] | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unstorableTextAt(item, [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) return [...path, key];
      const found = unstorableTextAt(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
