import { inspect } from 'node:util';

/** What every rendering of a secret prints instead of its value. */
export const SECRET_MASK = '***';

/**
 * A credential. Logging it, serialising it to JSON, interpolating it or inspecting it prints
 * a mask; the value is read only through {@link Secret.getSecretValue}, so every read is explicit
 * and greppable.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value. Call it only where the credential is handed to the party that needs it. */
  getSecretValue(): string {
    return this.#value;
  }

  toString(): string {
    return SECRET_MASK;
  }

  toJSON(): string {
    return SECRET_MASK;
  }

  [inspect.custom](): string {
    return `Secret(${SECRET_MASK})`;
  }
}
