/** A dependency-free SVG bar chart: decode tok/s per backend and mode. */
export interface Bar {
  group: string;
  label: string;
  value: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function barChart(title: string, unit: string, bars: readonly Bar[]): string {
  const w = 720;
  const rowH = 26;
  const left = 260;
  const h = 50 + bars.length * rowH;
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const rows = bars
    .map((b, i) => {
      const y = 40 + i * rowH;
      const len = ((w - left - 90) * b.value) / max;
      return `<text x="${left - 8}" y="${y + 16}" text-anchor="end">${esc(`${b.group} · ${b.label}`)}</text><rect x="${left}" y="${y + 4}" width="${len.toFixed(1)}" height="${rowH - 8}" fill="#2563eb"/><text x="${(left + len + 6).toFixed(1)}" y="${y + 16}">${b.value.toFixed(1)} ${esc(unit)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/><text x="10" y="24" font-size="15" font-weight="bold">${esc(title)}</text>${rows}</svg>\n`;
}
