/** JSON a model may answer with. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const FENCE = /```(?:json|JSON)?[ \t]*\r?\n?([\s\S]*?)```/g;

function tryParse(text: string): JsonValue | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed) as JsonValue;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** The span from the first `open` to the last `close`, the outermost bracketed region. */
function outermost(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  const end = text.lastIndexOf(close);
  return start !== -1 && end > start ? text.slice(start, end + 1) : undefined;
}

/**
 * Pull the JSON out of a language model's answer (spec 3-3), trying in order:
 * 1. a fenced code block (```json … ``` or a bare ``` … ```), the first one that parses;
 * 2. the outermost bracketed span: from the first `[` or `{` (whichever opens first) to the last
 *    matching closer, so a truncated array is not mistaken for its first complete element;
 * 3. the whole text.
 * Returns `null` when nothing parses (truncated or prose-only answers).
 */
export function extractJsonFromText(text: string): JsonValue | null {
  for (const match of text.matchAll(FENCE)) {
    const parsed = tryParse(match[1] ?? '');
    if (parsed !== undefined) return parsed;
  }
  const array = text.indexOf('[');
  const object = text.indexOf('{');
  const arrayFirst = array !== -1 && (object === -1 || array < object);
  const span = arrayFirst ? outermost(text, '[', ']') : outermost(text, '{', '}');
  const parsed = span === undefined ? undefined : tryParse(span);
  if (parsed !== undefined) return parsed;
  return tryParse(text) ?? null;
}
