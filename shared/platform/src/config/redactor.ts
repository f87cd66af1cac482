import { type Secret, SECRET_MASK } from './secret.js';

/** Replaces what a text holds of the given secret values with a mask (see {@link createRedactor}). */
export type Redactor = (text: string) => string;

/** Secrets shorter than this are not searched for: they would mask ordinary text. */
const MIN_SECRET_LENGTH = 3;

/** A run of this many characters of a secret (in any of its forms) is masked wherever it stands. */
const RUN = 8;

/** A run of plain words (letters, spaces, hyphens) is ordinary text, not secret material. */
const PLAIN = /^[a-z\s-]*$/;

/** The forms a secret travels in as text: raw, JSON-escaped, URL-encoded. */
function textForms(value: string): string[] {
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];
}

/** Its encoded forms: base64 and base64url (their letter runs are no words, so none is spared). */
function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value);
  return [bytes.toString('base64'), bytes.toString('base64url')];
}

/**
 * Build a {@link Redactor} for a set of secrets, for log lines, alerts, error messages and what a
 * provider answered (its text can quote our key altered). Case-insensitive, it masks every secret
 * in each of its forms (raw, JSON-escaped, URL-encoded, base64, and base64 of `a:b` for every two
 * secrets, as Basic auth sends them), and any run of {@link RUN} or more characters of one of those
 * forms (a secret cut short, a prefix in an error) that is not only plain words; a masked run grows
 * over the plain words beside it that belong to the same secret.
 */
export function createRedactor(secrets: readonly Secret[]): Redactor {
  const values = [...new Set(secrets.map((s) => s.getSecretValue()))].filter(
    (v) => v.length >= MIN_SECRET_LENGTH,
  );
  if (values.length === 0) return (text) => text;
  const pairs = values.flatMap((a) => values.filter((b) => b !== a).map((b) => `${a}:${b}`));
  const plain = [...values.flatMap(textForms)];
  const encoded = [...values, ...pairs].flatMap(encodedForms);
  const needles = [...new Set([...plain, ...encoded].map((n) => n.toLowerCase()))];
  // Whole forms are masked whatever they are made of; runs of them unless they are plain words.
  const whole = needles;
  const grams = new Set<string>();
  const addGrams = (needle: string, spareWords: boolean): void => {
    const lower = needle.toLowerCase();
    for (let i = 0; i + RUN <= lower.length; i++) {
      const gram = lower.slice(i, i + RUN);
      if (!spareWords || !PLAIN.test(gram)) grams.add(gram);
    }
  };
  for (const needle of plain) addGrams(needle, true);
  for (const needle of encoded) addGrams(needle, false);
  return (text) => {
    const lower = text.toLowerCase();
    // Lower-casing can change a string's length (rare letters): then mask on the lower-cased text.
    const source = lower.length === text.length ? text : lower;
    const masked = new Uint8Array(source.length);
    let any = false;
    for (let i = 0; i + RUN <= lower.length; i++) {
      if (!grams.has(lower.slice(i, i + RUN))) continue;
      masked.fill(1, i, i + RUN);
      any = true;
    }
    for (const needle of whole) {
      for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
        masked.fill(1, at, at + needle.length);
        any = true;
      }
    }
    if (!any) return text;
    // A masked run grows over the plain words around it while the whole is still part of a secret.
    const within = (a: number, b: number): boolean => needles.some((n) => n.includes(lower.slice(a, b)));
    for (let a = 0; a < masked.length; a++) {
      if (masked[a] === 0) continue;
      let b = a;
      while (b < masked.length && masked[b] === 1) b++;
      let start = a;
      while (start > 0 && within(start - 1, b)) start--;
      let end = b;
      while (end < masked.length && within(start, end + 1)) end++;
      masked.fill(1, start, end);
      a = end;
    }
    let out = '';
    for (let i = 0; i < source.length; i++) {
      if (masked[i] === 0) out += source.charAt(i);
      else if (i === 0 || masked[i - 1] === 0) out += SECRET_MASK;
    }
    return out;
  };
}
