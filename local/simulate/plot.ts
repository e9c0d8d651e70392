import type { BudgetMode } from '../../lambdas/core/budget';
import type { SimulationResult } from './engine';

/**
 * The simulated day as a hand-written SVG chart (no dependency): hourly spend as bars (right axis), cumulative spend
 * as a line and the day's budget as a dashed line (left axis), and the guardian's mode as a colored band under the
 * time axis, minute by minute.
 */
const WIDTH = 960;
const HEIGHT = 560;
const LEFT = 90;
const RIGHT = 880;
const TOP = 70;
const BOTTOM = 400;
const BAND_TOP = 440;
const BAND_HEIGHT = 18;
const MINUTES = 24 * 60;

export const MODE_COLORS: Readonly<Record<BudgetMode, string>> = {
  normal: '#2e7d32',
  conserve: '#f9a825',
  emergency: '#ef6c00',
  exhausted: '#b71c1c',
};

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const fixed = (value: number): string => (Math.round(value * 10) / 10).toString();

/** A round tick step giving about `count` ticks up to `max`: 1, 2, 2.5 or 5 times a power of ten. */
const tickStep = (max: number, count: number): number => {
  const raw = Math.max(max, 1e-9) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw);
  return step ?? 10 * power;
};

const dollars = (value: number): string =>
  value >= 1000 ? `$${(value / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k` : `$${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;

const fullDollars = (value: number): string => {
  const digits = Number.isInteger(value) ? 0 : 2;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
};

const xAtMinute = (minute: number): number => LEFT + ((RIGHT - LEFT) * minute) / MINUTES;

export const renderPlotSvg = (result: SimulationResult): string => {
  const budgetUsd = result.budget?.totalUsd;
  const maxCumulative = Math.max(0, ...result.hourly.map((h) => h.cumulativeUsd));
  const maxHourly = Math.max(0, ...result.hourly.map((h) => h.spendUsd));
  const leftStep = tickStep(Math.max(maxCumulative, budgetUsd ?? 0) * 1.1, 5);
  const leftMax = leftStep * Math.max(1, Math.ceil((Math.max(maxCumulative, budgetUsd ?? 0) * 1.1) / leftStep));
  const rightStep = tickStep(maxHourly * 1.1, 5);
  const rightMax = rightStep * Math.max(1, Math.ceil((maxHourly * 1.1) / rightStep));
  const yLeft = (usd: number): number => BOTTOM - ((BOTTOM - TOP) * usd) / leftMax;
  const yRight = (usd: number): number => BOTTOM - ((BOTTOM - TOP) * usd) / rightMax;
  const parts: string[] = [];
  const add = (element: string): void => {
    parts.push(element);
  };

  add(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  const title = `${result.scenario} (${result.policy}) ${result.date} JST: ${fullDollars(result.totalCostUsd)} spent` + (budgetUsd === undefined ? '' : ` of a ${fullDollars(budgetUsd)} budget`);
  add(`<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="18" font-weight="bold">${escapeXml(title)}</text>`);
  const subtitle =
    `${result.messages.toLocaleString('en-US')} messages, ${result.catalogProfile} catalog; budget exhausted: ${result.budgetExhaustedAt ?? 'never'}` +
    (result.refusedMessages > 0 ? `; ${result.refusedMessages.toLocaleString('en-US')} refused` : '');
  add(`<text x="${WIDTH / 2}" y="50" text-anchor="middle" font-size="13" fill="#444444">${escapeXml(subtitle)}</text>`);

  // Grid and left axis (cumulative spend).
  const grid: string[] = [];
  for (let usd = 0; usd <= leftMax + 1e-9; usd += leftStep) {
    const y = fixed(yLeft(usd));
    grid.push(`<line x1="${LEFT}" y1="${y}" x2="${RIGHT}" y2="${y}" stroke="#e0e0e0" stroke-width="1"/>`);
    grid.push(`<text x="${LEFT - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="12">${escapeXml(dollars(usd))}</text>`);
  }
  add(`<g id="left-axis">${grid.join('')}</g>`);
  const rightTicks: string[] = [];
  for (let usd = 0; usd <= rightMax + 1e-9; usd += rightStep) {
    rightTicks.push(`<text x="${RIGHT + 8}" y="${fixed(yRight(usd))}" dominant-baseline="middle" font-size="12" fill="#1565c0">${escapeXml(dollars(usd))}</text>`);
  }
  add(`<g id="right-axis">${rightTicks.join('')}</g>`);

  // Hourly spend bars.
  const barWidth = (RIGHT - LEFT) / 24;
  const bars = result.hourly.map((h) => {
    const y = yRight(h.spendUsd);
    return `<rect x="${fixed(LEFT + h.hour * barWidth + 3)}" y="${fixed(y)}" width="${fixed(barWidth - 6)}" height="${fixed(BOTTOM - y)}" fill="#90caf9"><title>${escapeXml(
      `${String(h.hour).padStart(2, '0')}:00 ${dollars(h.spendUsd)} (${h.mode}, strong share ${(h.strongShare * 100).toFixed(1)}%)`,
    )}</title></rect>`;
  });
  add(`<g id="hourly-spend">${bars.join('')}</g>`);

  // Cumulative spend line, from midnight.
  const points = [`${LEFT},${BOTTOM}`, ...result.hourly.map((h) => `${fixed(LEFT + (h.hour + 1) * barWidth)},${fixed(yLeft(h.cumulativeUsd))}`)];
  add(`<polyline id="cumulative-spend" points="${points.join(' ')}" fill="none" stroke="#0d47a1" stroke-width="2.5"/>`);

  if (budgetUsd !== undefined) {
    const y = fixed(yLeft(budgetUsd));
    add(`<line id="budget-line" x1="${LEFT}" y1="${y}" x2="${RIGHT}" y2="${y}" stroke="#c62828" stroke-width="2" stroke-dasharray="8 5"/>`);
    add(`<text x="${LEFT + 6}" y="${fixed(yLeft(budgetUsd) - 6)}" font-size="12" fill="#c62828">${escapeXml(`budget ${fullDollars(budgetUsd)}`)}</text>`);
  }

  // Axes and their labels.
  add(`<line x1="${LEFT}" y1="${BOTTOM}" x2="${RIGHT}" y2="${BOTTOM}" stroke="#000000" stroke-width="1"/>`);
  add(`<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${BOTTOM}" stroke="#000000" stroke-width="1"/>`);
  add(`<line x1="${RIGHT}" y1="${TOP}" x2="${RIGHT}" y2="${BOTTOM}" stroke="#1565c0" stroke-width="1"/>`);
  const hourTicks: string[] = [];
  for (let hour = 0; hour <= 24; hour += 2) {
    const x = fixed(LEFT + hour * barWidth);
    hourTicks.push(`<line x1="${x}" y1="${BOTTOM}" x2="${x}" y2="${BOTTOM + 5}" stroke="#000000" stroke-width="1"/>`);
    hourTicks.push(`<text x="${x}" y="${BOTTOM + 19}" text-anchor="middle" font-size="12">${String(hour).padStart(2, '0')}:00</text>`);
  }
  add(`<g id="time-axis">${hourTicks.join('')}</g>`);
  add(`<text x="${(LEFT + RIGHT) / 2}" y="${BOTTOM + 36}" text-anchor="middle" font-size="13">time of day (JST)</text>`);
  add(`<text transform="translate(22 ${(TOP + BOTTOM) / 2}) rotate(-90)" text-anchor="middle" font-size="13">cumulative spend (USD)</text>`);
  add(`<text transform="translate(${WIDTH - 14} ${(TOP + BOTTOM) / 2}) rotate(90)" text-anchor="middle" font-size="13" fill="#1565c0">hourly spend (USD, bars)</text>`);

  // Mode band: one rectangle per stretch of the same mode.
  const segments = result.timeline.map((change, index) => ({ mode: change.mode, from: change.minute, to: result.timeline[index + 1]?.minute ?? MINUTES }));
  const band = segments.map(
    (s) =>
      `<rect x="${fixed(xAtMinute(s.from))}" y="${BAND_TOP}" width="${fixed(xAtMinute(s.to) - xAtMinute(s.from))}" height="${BAND_HEIGHT}" fill="${MODE_COLORS[s.mode]}"><title>${escapeXml(
        `${s.mode} from ${String(Math.floor(s.from / 60)).padStart(2, '0')}:${String(s.from % 60).padStart(2, '0')}`,
      )}</title></rect>`,
  );
  add(`<g id="mode-band">${band.join('')}</g>`);
  add(`<text x="${LEFT - 8}" y="${BAND_TOP + BAND_HEIGHT / 2}" text-anchor="end" dominant-baseline="middle" font-size="12">mode</text>`);

  // Legend.
  const legend: string[] = [];
  let x = LEFT;
  const legendY = BAND_TOP + BAND_HEIGHT + 40;
  const item = (swatch: string, label: string): void => {
    legend.push(`<g transform="translate(${x} ${legendY})">${swatch}<text x="24" y="0" dominant-baseline="middle" font-size="12">${escapeXml(label)}</text></g>`);
    x += 36 + label.length * 7.5;
  };
  item(`<rect x="0" y="-6" width="16" height="12" fill="#90caf9"/>`, 'hourly spend');
  item(`<line x1="0" y1="0" x2="16" y2="0" stroke="#0d47a1" stroke-width="2.5"/>`, 'cumulative spend');
  if (budgetUsd !== undefined) item(`<line x1="0" y1="0" x2="16" y2="0" stroke="#c62828" stroke-width="2" stroke-dasharray="5 3"/>`, 'budget');
  for (const mode of Object.keys(MODE_COLORS) as BudgetMode[]) item(`<rect x="0" y="-6" width="16" height="12" fill="${MODE_COLORS[mode]}"/>`, mode);
  add(`<g id="legend">${legend.join('')}</g>`);

  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    ...parts,
    `</svg>`,
    '',
  ].join('\n');
};
