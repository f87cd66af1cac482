import { type Secret, SECRET_MASK } from './secret.js';

/** Replaces every occurrence of the given secret values (raw, JSON-escaped or URL-encoded) with a mask. */
export type Redactor = (text: string) => string;

/** Secrets shorter than this are not searched for: they would mask ordinary text. */
const MIN_SECRET_LENGTH = 3;

/** Build a {@link Redactor} for a set of secrets, for log lines, alerts and error messages. */
export function createRedactor(secrets: readonly Secret[]): Redactor {
  const needles = [
    ...new Set(
      secrets
        .map((s) => s.getSecretValue())
        .filter((v) => v.length >= MIN_SECRET_LENGTH)
        .flatMap((v) => [v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v)]),
    ),
  ].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of needles) out = out.split(needle).join(SECRET_MASK);
    return out;
  };
}
