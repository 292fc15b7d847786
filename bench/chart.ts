/** A hand-written SVG of the benchmark figures: four panels of paired bars, one pair per (size, database). */

export interface ChartRow {
  label: string;
  /** Panel title → [measured, baseline]. */
  values: Record<string, [number, number]>;
}

export interface ChartPanel {
  title: string;
  unit: string;
  measuredLabel: string;
  baselineLabel: string;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function formatValue(value: number, unit: string): string {
  const rounded = value >= 100 || Number.isInteger(value) ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2);
  return `${rounded}${unit ? ` ${unit}` : ''}`;
}

export function renderChart(title: string, subtitle: string, panels: ChartPanel[], rows: ChartRow[]): string {
  const panelWidth = 460;
  const labelWidth = 130;
  const barHeight = 12;
  const rowHeight = barHeight * 2 + 10;
  const panelHeight = 50 + rows.length * rowHeight;
  const columns = 2;
  const width = columns * panelWidth + 40;
  const height = 70 + Math.ceil(panels.length / columns) * (panelHeight + 20);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="20" y="26" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<text x="20" y="46" fill="#555">${escapeXml(subtitle)}</text>`);
  panels.forEach((panel, index) => {
    const x0 = 20 + (index % columns) * panelWidth;
    const y0 = 60 + Math.floor(index / columns) * (panelHeight + 20);
    const max = Math.max(1e-9, ...rows.flatMap(r => r.values[panel.title] ?? [0, 0]));
    const barSpace = panelWidth - labelWidth - 90;
    out.push(`<g transform="translate(${x0},${y0})">`);
    out.push(`<text x="0" y="14" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`);
    out.push(`<rect x="${labelWidth}" y="22" width="10" height="10" fill="#1f77b4"/><text x="${labelWidth + 14}" y="31">${escapeXml(panel.measuredLabel)}</text>`);
    out.push(`<rect x="${labelWidth + 170}" y="22" width="10" height="10" fill="#bbbbbb"/><text x="${labelWidth + 184}" y="31">${escapeXml(panel.baselineLabel)}</text>`);
    rows.forEach((row, r) => {
      const [measured, baseline] = row.values[panel.title] ?? [0, 0];
      const y = 42 + r * rowHeight;
      out.push(`<text x="0" y="${y + barHeight + 4}">${escapeXml(row.label)}</text>`);
      const bars: Array<[number, string]> = [
        [measured, '#1f77b4'],
        [baseline, '#bbbbbb'],
      ];
      bars.forEach(([value, color], b) => {
        const w = Math.max(1, (value / max) * barSpace);
        const by = y + b * barHeight;
        out.push(`<rect x="${labelWidth}" y="${by}" width="${w.toFixed(1)}" height="${barHeight - 1}" fill="${color}"/>`);
        out.push(`<text x="${(labelWidth + w + 4).toFixed(1)}" y="${by + barHeight - 2}" fill="#333">${escapeXml(formatValue(value, panel.unit))}</text>`);
      });
    });
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
