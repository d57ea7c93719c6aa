/**
 * The final re-validation reads every tool schema as the constraint engine does (older drafts in
 * their 2020-12 form, see test/grammar/drafts.test.ts): a `$schema` of any draft (or an unknown
 * URI) is never a meta-schema lookup that throws a raw Error; the user's schema is left as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../src/planner/errors.ts';
import { Planner } from '../../src/planner/planner.ts';
import { normalizeTools, type JsonSchema } from '../../src/planner/tools.ts';
import { validatePlan } from '../../src/planner/validate-plan.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const DRAFTS = ['draft-04', 'draft-06', 'draft-07'].map((d) => `json-schema.org/${d}/schema`);
const NEWER = ['2019-09', '2020-12'].map((d) => `json-schema.org/draft/${d}/schema`);
/** Every draft, http and https, with and without the empty fragment, and URIs ajv cannot know. */
const URIS = [...DRAFTS, ...NEWER]
  .flatMap((u) => [`http://${u}`, `https://${u}`])
  .flatMap((u) => [u, `${u}#`])
  .concat(['https://example.com/my-dialect', 'urn:x:y', '']);

const weather = (extra: JsonSchema): JsonSchema => ({
  ...extra,
  type: 'object',
  properties: { city: { type: 'string', maxLength: 12 }, days: { $ref: '#/definitions/days' } },
  required: ['city'],
  additionalProperties: false,
  definitions: { days: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'integer', minimum: 1, maximum: 7 } },
});
const plan = (args: Record<string, unknown>) => ({ steps: [{ id: 1, tool: 'get_weather', args, depends_on: [] }] });

describe('$schema in tool parameters (validatePlan)', () => {
  it.each(URIS)('%s: accepts valid args, rejects bad ones with PlanValidationError', (uri) => {
    const tools = normalizeTools([{ name: 'get_weather', parameters: weather({ $schema: uri }) }]);
    const before = structuredClone(tools[0]!.parameters);
    expect(validatePlan(plan({ city: 'Oslo', days: 3 }), tools, 1, 1).steps[0]!.args).toEqual({ city: 'Oslo', days: 3 });
    expect(() => validatePlan(plan({ city: 'Oslo', days: 9 }), tools, 1, 1)).toThrow(PlanValidationError);
    expect(() => validatePlan(plan({ city: 7 }), tools, 1, 1)).toThrow(PlanValidationError);
    // The user's object is not touched: `$schema` is still there.
    expect(tools[0]!.parameters).toEqual(before);
  });

  it('a fresh copy of a tool with an `$id` (a new tools array per call) validates again', () => {
    for (let i = 0; i < 3; i++) {
      const tools = normalizeTools([{ name: 'get_weather', parameters: weather({ $id: 'https://example.com/weather', $schema: URIS[0] }) }]);
      expect(validatePlan(plan({ city: 'Faro' }), tools, 1, 1).steps).toHaveLength(1);
      expect(() => validatePlan(plan({ city: 'Faro', days: 0 }), tools, 1, 1)).toThrow(PlanValidationError);
    }
  });
});

describe('$schema in tool parameters (Planner, tiny-qwen3_5)', () => {
  let planner: Planner;
  beforeAll(async () => {
    planner = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4' });
  });
  afterAll(() => planner?.dispose());

  for (const format of ['steps', 'tool-calls'] as const) {
    it(`${format}: plans over draft-04/07/2019-09 tools`, async () => {
      const tools = [
        { name: 'get_weather', parameters: weather({ $schema: 'http://json-schema.org/draft-07/schema#' }) },
        { name: 'search', parameters: { $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'object', properties: { q: { type: 'string', maxLength: 10 } }, required: ['q'] } },
        { name: 'note', parameters: { $schema: 'http://json-schema.org/draft-04/schema', type: 'object', properties: { text: { type: 'string', maxLength: 10 } } } },
      ];
      for (let seed = 0; seed < 3; seed++) {
        const { plan } = await planner.plan('Weather in Oslo for 3 days', tools, { format, temperature: 1, seed, maxTokens: 160, maxSteps: 3 });
        expect(plan.steps.length).toBeGreaterThan(0);
      }
      expect(tools[0]!.parameters.$schema).toBe('http://json-schema.org/draft-07/schema#');
    });
  }
});
