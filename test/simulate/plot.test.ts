import { resolve } from 'node:path';
import { simulateDay } from '../../local/simulate/engine';
import { MODE_COLORS, renderPlotSvg } from '../../local/simulate/plot';
import { loadScenario } from '../../local/simulate/scenario';

interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * A strict little XML reader, enough to prove the SVG well-formed: one root, every tag closed in order, attributes
 * quoted and unique, no stray `<` or unescaped `&`. Returns the elements in document order.
 */
const parseXml = (xml: string): XmlElement[] => {
  const elements: XmlElement[] = [];
  const open: string[] = [];
  let roots = 0;
  const token = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*"[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  for (const match of xml.matchAll(token)) {
    const [, closing, name, attributeText, selfClosing, text, stray] = match;
    if (stray !== undefined) throw new Error(`stray "<" at ${match.index}: ${xml.slice(match.index, match.index + 40)}`);
    if (text !== undefined) {
      if (text.replace(entity, '').includes('&')) throw new Error(`unescaped "&" in text: ${text}`);
      if (open.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text}`);
      continue;
    }
    if (name === undefined) continue; // declaration or comment
    if (closing) {
      const expected = open.pop();
      if (expected !== name) throw new Error(`</${name}> closes <${expected ?? 'nothing'}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of (attributeText ?? '').matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*"([^"]*)"/g)) {
      if (key! in attributes) throw new Error(`attribute ${key} twice on <${name}>`);
      if (value!.replace(entity, '').includes('&')) throw new Error(`unescaped "&" in ${key}="${value}"`);
      attributes[key!] = value!;
    }
    if (open.length === 0) roots += 1;
    elements.push({ name, attributes });
    if (!selfClosing) open.push(name);
  }
  if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return elements;
};

const matsuri = loadScenario(resolve(__dirname, '..', '..', 'scenarios', 'manga-matsuri-no-calendar.json'));

describe('the test\'s XML reader', () => {
  it.each([
    ['an unclosed element', '<svg><g></svg>'],
    ['two roots', '<svg></svg><svg></svg>'],
    ['an unquoted attribute', '<svg width=10></svg>'],
    ['a raw ampersand', '<svg><text>a & b</text></svg>'],
  ])('refuses %s', (_what, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});

describe('renderPlotSvg', () => {
  const result = simulateDay(matsuri);
  const svg = renderPlotSvg(result);
  const elements = parseXml(svg);
  const byId = (id: string) => elements.find((element) => element.attributes['id'] === id);

  it('is well-formed SVG with one root <svg> in the SVG namespace', () => {
    expect(elements[0]).toMatchObject({ name: 'svg', attributes: { xmlns: 'http://www.w3.org/2000/svg' } });
    expect(elements.length).toBeGreaterThan(100);
  });

  it('draws the budget line, dashed, inside the chart', () => {
    const budget = byId('budget-line');
    expect(budget).toMatchObject({ name: 'line' });
    expect(budget!.attributes['stroke-dasharray']).toBeDefined();
    expect(budget!.attributes['y1']).toBe(budget!.attributes['y2']);
    expect(svg).toContain('budget $2,500');
  });

  it('has a bar per hour, the cumulative line through every hour, and the mode band in the mode colors', () => {
    const inGroup = (id: string) => {
      const start = elements.indexOf(byId(id)!);
      const next = elements.findIndex((element, index) => index > start && element.name === 'g');
      return elements.slice(start + 1, next === -1 ? undefined : next);
    };
    expect(inGroup('hourly-spend').filter((element) => element.name === 'rect')).toHaveLength(24);
    expect(byId('cumulative-spend')!.attributes['points']!.split(' ')).toHaveLength(25);
    const band = inGroup('mode-band').filter((element) => element.name === 'rect');
    expect(band).toHaveLength(result.timeline.length);
    expect(band.map((rect) => rect.attributes['fill'])).toEqual(result.timeline.map((change) => MODE_COLORS[change.mode]));
  });

  it('labels both axes and the time axis in JST', () => {
    expect(svg).toContain('cumulative spend (USD)');
    expect(svg).toContain('hourly spend (USD, bars)');
    expect(svg).toContain('time of day (JST)');
    expect(svg).toContain('>12:00<');
  });

  it('has no budget line when the day had no budget, and escapes text', () => {
    const unlimited = renderPlotSvg({ ...simulateDay({ ...matsuri, name: 'sale <&> "day"' }, { unlimitedBudget: true }) });
    const parsed = parseXml(unlimited);
    expect(parsed.some((element) => element.attributes['id'] === 'budget-line')).toBe(false);
    expect(unlimited).toContain('sale &lt;&amp;&gt; &quot;day&quot;');
  });
});
