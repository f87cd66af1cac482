import { ValidationError } from '@trading/domain';

/** Values of one parameter in a sweep. */
export type GridAxis = readonly number[];

/**
 * Parse `name=from:to:step` (or `name=a,b,c`) into an axis of values.
 * @throws ValidationError for anything else, or more than 1,000 values.
 */
export function parseAxis(spec: string): [string, GridAxis] {
  const [name, range] = spec.split('=');
  if (!name || !range)
    throw new ValidationError(
      `sweep axis must be name=from:to:step or name=a,b,c, got ${JSON.stringify(spec)}`,
    );
  let values: number[];
  if (range.includes(':')) {
    const [from, to, step] = range.split(':').map(Number);
    if (
      from === undefined ||
      to === undefined ||
      step === undefined ||
      ![from, to, step].every(Number.isFinite) ||
      step <= 0 ||
      to < from
    ) {
      throw new ValidationError(`bad range for ${name}: ${range} (want from:to:step with step > 0)`);
    }
    values = [];
    for (let v = from; v <= to + 1e-9; v += step) values.push(Number(v.toFixed(10)));
  } else {
    values = range.split(',').map(Number);
    if (!values.every(Number.isFinite)) throw new ValidationError(`bad values for ${name}: ${range}`);
  }
  if (values.length > 1000) throw new ValidationError(`${name} has more than 1,000 values`);
  return [name, values];
}

/** Every combination of the axes (the cartesian product), in a stable order. */
export function expandGrid(axes: Readonly<Record<string, GridAxis>>): Record<string, number>[] {
  return Object.entries(axes).reduce<Record<string, number>[]>(
    (combos, [name, values]) => combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v }))),
    [{}],
  );
}
