// Small DOM helpers: elements from text only (never HTML from data), tables, money and times.

/** An element with attributes and children (strings become text nodes). */
export function el(
  tag: string,
  attrs: Record<string, string> = {},
  children: (Node | string)[] = [],
): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** A button that runs `action` (disabled while it runs). */
export function button(
  label: string,
  action: () => Promise<void>,
  attrs: Record<string, string> = {},
): HTMLElement {
  const b = el('button', { type: 'button', ...attrs }, [label]) as HTMLButtonElement;
  b.onclick = () => {
    b.disabled = true;
    void action().finally(() => {
      b.disabled = false;
    });
  };
  return b;
}

/** A cell: text, text with an up/down colour, or an element (a button). */
export type Cell = string | Node | { text: string; tone: 'up' | 'down' | undefined };

/** A table of rows, or a muted line when there are none. Numbers are right-aligned by the stylesheet. */
export function table(headers: string[], rows: Cell[][], empty: string): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'muted' }, [empty]);
  const cell = (c: Cell): HTMLElement => {
    if (typeof c === 'string') return el('td', {}, [c]);
    if (c instanceof Node) return el('td', {}, [c]);
    return el('td', { class: c.tone ?? '' }, [c.text]);
  };
  return el('table', {}, [
    el('thead', {}, [
      el(
        'tr',
        {},
        headers.map((h) => el('th', { scope: 'col' }, [h])),
      ),
    ]),
    el(
      'tbody',
      {},
      rows.map((cells) => el('tr', {}, cells.map(cell))),
    ),
  ]);
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** A decimal string as dollars. */
export function formatMoney(value: unknown): string {
  return money.format(Number(value));
}

/** Up or down, for colouring a signed value. */
export const tone = (v: unknown): 'up' | 'down' | undefined =>
  Number(v) > 0 ? 'up' : Number(v) < 0 ? 'down' : undefined;

/** A signed amount, coloured. */
export const signedMoney = (v: unknown): Cell => ({
  text: `${Number(v) > 0 ? '+' : ''}${formatMoney(v)}`,
  tone: tone(v),
});

/** One clock for every time on the page: UTC, `YYYY-MM-DD HH:MM`. */
export const time = (iso: unknown): string =>
  typeof iso === 'string' ? iso.slice(0, 16).replace('T', ' ') : '—';

/** A holding time in the unit that reads best. */
export function duration(ms: number): string {
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(1)} d`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${String(Math.max(1, Math.round(ms / 60_000)))} min`;
}

/** A card: a label and a value. */
export function card(label: string, value: string, cardTone?: 'up' | 'down'): HTMLElement {
  return el('div', { class: 'card' }, [
    el('div', { class: 'label' }, [label]),
    el('div', { class: `value ${cardTone ?? ''}` }, [value]),
  ]);
}

/** A statistic as shown: `n/a` when undefined (null: too few returns or trades), never 0.00. */
export const stat = (v: unknown, digits: number, suffix = ''): string =>
  typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(digits)}${suffix}` : 'n/a';

/** The element with this id. */
export const $ = (id: string): HTMLElement => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing`);
  return node;
};

/** Any answered value as text: strings as they are, numbers and booleans printed, the rest as JSON. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === null || v === undefined ? '' : JSON.stringify(v);
}

/** A form field's value as text ('' when absent or a file). */
export const field = (fields: FormData, name: string): string => {
  const v = fields.get(name);
  return typeof v === 'string' ? v : '';
};
