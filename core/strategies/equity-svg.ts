/**
 * The equity curve as a self-contained SVG: one polyline, a baseline at the initial value and the
 * range as labels. Hand-built (a charting library would be larger than the whole strategies
 * module for one line).
 */
const WIDTH = 800;
const HEIGHT = 300;
const PAD = 40;

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** An SVG document of the equity values; deterministic for the same points. */
export function equitySvg(points: Array<{ at: string; value: string }>, title: string): string {
  const values = points.map((p) => Number(p.value));
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const span = max - min || 1;
  const x = (i: number) => PAD + (values.length <= 1 ? 0 : (i * (WIDTH - 2 * PAD)) / (values.length - 1));
  const y = (v: number) => HEIGHT - PAD - ((v - min) * (HEIGHT - 2 * PAD)) / span;
  const line = values.map((v, i) => `${x(i).toFixed(2)},${y(v).toFixed(2)}`).join(' ');
  const first = points[0]?.at ?? '';
  const last = points.at(-1)?.at ?? '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img">`,
    `<title>${escape(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#999999"/>`,
    `<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${HEIGHT - PAD}" stroke="#999999"/>`,
    `<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="${line}"/>`,
    `<text x="${PAD}" y="${PAD - 8}" font-family="sans-serif" font-size="12">${escape(String(max))}</text>`,
    `<text x="${PAD}" y="${HEIGHT - PAD + 16}" font-family="sans-serif" font-size="12">${escape(String(min))}</text>`,
    `<text x="${PAD}" y="${HEIGHT - 6}" font-family="sans-serif" font-size="11">${escape(first)}</text>`,
    `<text x="${WIDTH - PAD}" y="${HEIGHT - 6}" font-family="sans-serif" font-size="11" text-anchor="end">${escape(last)}</text>`,
    '</svg>',
  ].join('\n');
}
