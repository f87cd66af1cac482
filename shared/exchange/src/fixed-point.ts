// Exact money for the local broker: decimals as bigint millionths.
const SCALE = 1_000_000n;

/** A decimal from a request body, or undefined when it is not one. */
export function parseMicro(value: unknown): bigint | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = typeof value === 'number' ? value.toString() : value.trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? toMicro(text) : undefined;
}

export function toMicro(value: string | number): bigint {
  const text = typeof value === 'number' ? value.toString() : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,6})\d*)?$/.exec(text);
  if (!match) throw new RangeError(`not a decimal: ${text}`);
  const [, sign, whole = '0', frac = ''] = match;
  const micro = BigInt(whole) * SCALE + BigInt(frac.padEnd(6, '0'));
  return sign === '-' ? -micro : micro;
}

export function fromMicro(micro: bigint): string {
  const sign = micro < 0n ? '-' : '';
  const abs = micro < 0n ? -micro : micro;
  const frac = (abs % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  return `${sign}${(abs / SCALE).toString()}${frac ? `.${frac}` : ''}`;
}

/** a × b for two micro values. */
export const mulMicro = (a: bigint, b: bigint): bigint => (a * b) / SCALE;
/** a ÷ b for two micro values. */
export const divMicro = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : (a * SCALE) / b);
