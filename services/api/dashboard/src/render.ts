// Small DOM helpers: elements from text only, a table, and an SVG line chart.

/** An element with attributes and children (strings become text nodes, never HTML). */
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

/** A cell: text, or text with an up/down colour. */
export type Cell = string | { text: string; tone: 'up' | 'down' | undefined };

/** A table of rows, or a muted line when there are none. */
export function table(headers: string[], rows: Cell[][], empty: string): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'muted' }, [empty]);
  return el('table', {}, [
    el('thead', {}, [
      el(
        'tr',
        {},
        headers.map((h) => el('th', {}, [h])),
      ),
    ]),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((c) =>
            typeof c === 'string' ? el('td', {}, [c]) : el('td', { class: c.tone ?? '' }, [c.text]),
          ),
        ),
      ),
    ),
  ]);
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** A decimal string as dollars. */
export function formatMoney(value: unknown): string {
  return money.format(Number(value));
}

/** An SVG polyline of (time, value) points scaled to the box; a note when there are too few. */
export function lineChart(points: [number, number][]): Element {
  if (points.length < 2) return el('p', { class: 'muted' }, ['Not enough data yet']);
  const width = 800;
  const height = 180;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => ((x - x0) / (x1 - x0 || 1)) * (width - 60) + 55;
  const sy = (y: number) => height - 10 - ((y - y0) / (y1 - y0 || 1)) * (height - 20);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${String(width)} ${String(height)}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' '));
  svg.append(line);
  for (const [y, label] of [
    [y1, formatMoney(y1)],
    [y0, formatMoney(y0)],
  ] as const) {
    const text = document.createElementNS(ns, 'text');
    text.setAttribute('x', '2');
    text.setAttribute('y', String(sy(y) + 4));
    text.setAttribute('font-size', '11');
    text.setAttribute('fill', '#6a737d');
    text.textContent = label;
    svg.append(text);
  }
  return svg;
}
