/**
 * Tool shortlisting: BM25 ranking of a catalogue by query, what is kept and reported, a custom
 * ranking, bad options, recall on the BFCL catalogue, and a plan over a shortlist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlanOptions } from '../../src/planner/plan-options.ts';
import { Planner } from '../../src/planner/planner.ts';
import { shortlistTools, ToolIndex } from '../../src/planner/shortlist.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import { bfclCatalogue, recallAt } from '../../scripts/lib/bfcl-catalogue.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const catalogue = normalizeTools([
  { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 } }, required: ['city'] } },
  { name: 'sendEmail', description: 'Send an email message', parameters: { type: 'object', properties: { to: { type: 'string', maxLength: 20 } }, required: ['to'] } },
  { name: 'convert_currency', description: 'Convert an amount between currencies', parameters: { type: 'object', properties: { amount: { type: 'number' } } } },
  { name: 'book.flight', description: 'Book a flight', parameters: { type: 'object', properties: { destination: { type: 'string', description: 'airport or city' } } } },
  { name: 'translate_text', description: 'Translate text to another language', parameters: { type: 'object', properties: { text: { type: 'string' } } } },
]);

describe('shortlistTools', () => {
  it('keeps the k most relevant tools, in catalogue order, and reports them best first', async () => {
    const { tools, report } = await shortlistTools('Email Ana the weather forecast in Lisbon', catalogue, { k: 2 });
    expect(tools.map((t) => t.name)).toEqual(['get_weather', 'sendEmail']);
    expect(new Set(report.kept)).toEqual(new Set(['get_weather', 'sendEmail']));
    expect(report.of).toBe(5);
    expect(report.ms).toBeGreaterThanOrEqual(0);
  });

  it('reads identifiers as words (camelCase, dots, underscores) and stems (flights → flight)', async () => {
    const index = await ToolIndex.of(catalogue);
    expect(catalogue[index.rank('two flights to Porto')[0]!]!.name).toBe('book.flight');
    expect(catalogue[index.rank('send emails')[0]!]!.name).toBe('sendEmail');
    expect(catalogue[index.rank('translating a sentence')[0]!]!.name).toBe('translate_text');
    expect(index.rank('zzz qqq')).toEqual([]);
  });

  it('fills up to k in catalogue order when fewer tools match; k past the catalogue keeps all', async () => {
    expect((await shortlistTools('convert 5 euros', catalogue, { k: 3 })).tools.map((t) => t.name)).toEqual(['get_weather', 'sendEmail', 'convert_currency']);
    expect((await shortlistTools('anything', catalogue, { k: 50 })).tools).toHaveLength(5);
  });

  it('takes a custom ranking at its word; one that keeps nothing is an InvalidOptionError', async () => {
    const r = await shortlistTools('x', catalogue, { k: 2, rank: () => [4, 4, 99, -1, 0] });
    expect(r.tools.map((t) => t.name)).toEqual(['get_weather', 'translate_text']);
    expect(r.report.kept).toEqual(['translate_text', 'get_weather']);
    await expect(shortlistTools('x', catalogue, { k: 2, rank: async () => [] })).rejects.toMatchObject({ name: 'InvalidOptionError', option: 'shortlist' });
  });

  it('bad shortlist options are InvalidOptionErrors', () => {
    for (const bad of [0, -1, 1.5, '3', { k: 0 }, { rank: () => [] }, { k: 2, rank: 'bm25' }]) {
      expect(() => checkPlanOptions({ shortlist: bad as never }), JSON.stringify(bad)).toThrow(expect.objectContaining({ name: 'InvalidOptionError', option: 'shortlist' }));
    }
    expect(() => checkPlanOptions({ shortlist: 3 })).not.toThrow();
  });

  it('BFCL: all functions as one catalogue, every query with ground truth: recall@10 ≥ 0.95', async () => {
    const { tools, cases } = bfclCatalogue();
    expect(tools.length).toBeGreaterThan(900);
    const index = await ToolIndex.of(tools);
    const ranked = cases.map((c) => index.rank(c.query).map((i) => tools[i]!.name));
    expect(recallAt(cases, ranked, 10)).toBeGreaterThanOrEqual(0.95);
    expect(recallAt(cases, ranked, 20)).toBeGreaterThanOrEqual(0.97);
  }, 60_000);
});

describe('plan over a shortlist (tiny-qwen3_5)', () => {
  let planner: Planner;
  beforeAll(async () => {
    planner = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4' });
  });
  afterAll(() => planner?.dispose());

  it('the prompt and the grammar hold only the kept tools; the result says which', async () => {
    const query = 'What is the weather in Lisbon?';
    const all = await planner.plan(query, catalogue, { maxTokens: 120 });
    const short = await planner.plan(query, catalogue, { maxTokens: 120, shortlist: 1 });
    expect(all.shortlist).toBeUndefined();
    expect(short.shortlist).toMatchObject({ kept: ['get_weather'], of: 5 });
    expect(short.stats.promptTokens).toBeLessThan(all.stats.promptTokens);
    for (const s of short.plan.steps) expect(s.tool).toBe('get_weather');
  });
});
