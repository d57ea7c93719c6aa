/**
 * Older drafts read in their own meaning where it differs from 2020-12 (src/grammar/schema/drafts.ts):
 * the engine, and the planner's final ajv check, agree with what the declared draft says.
 */
import { describe, expect, it } from 'vitest';
import { toDraft2020 } from '../../src/grammar/index.ts';
import { normalizeTools } from '../../src/planner/tools.ts';
import { validatePlan } from '../../src/planner/validate-plan.ts';
import { PlanValidationError } from '../../src/planner/errors.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const D4 = 'http://json-schema.org/draft-04/schema#';
const D7 = 'http://json-schema.org/draft-07/schema#';
const D2019 = 'https://json-schema.org/draft/2019-09/schema';

const walk = (schema: object, text: string) => acceptsText(schema, text, vocab);

const withRefSibling = (extra: object) => ({ ...extra, definitions: { s: { type: 'string' } }, type: 'object', properties: { p: { $ref: '#/definitions/s', maxLength: 2 } } });

describe('drafts', () => {
  it('draft-07: the siblings of $ref are ignored; in 2020-12 (or without $schema) they apply', () => {
    expect(walk(withRefSibling({ $schema: D7 }), '{"p":"abcdef"}')).toBe(true);
    expect(walk(withRefSibling({}), '{"p":"abcdef"}')).toBe(false);
    expect(walk(withRefSibling({ $schema: 'https://json-schema.org/draft/2020-12/schema' }), '{"p":"abcdef"}')).toBe(false);
    expect(walk(withRefSibling({ $schema: D7 }), '{"p":7}')).toBe(false); // the $ref itself still applies
  });

  it('a $schema inside a subschema rules that subtree only', () => {
    const schema = {
      definitions: { s: { type: 'string' } },
      type: 'object',
      properties: { old: { $schema: D7, $ref: '#/definitions/s', maxLength: 2 }, now: { $ref: '#/definitions/s', maxLength: 2 } },
    };
    expect(walk(schema, '{"old":"abcdef"}')).toBe(true);
    expect(walk(schema, '{"now":"abcdef"}')).toBe(false);
  });

  it('draft-04: a boolean exclusiveMinimum / exclusiveMaximum modifies minimum / maximum', () => {
    const schema = { $schema: D4, type: 'integer', minimum: 3, exclusiveMinimum: true, maximum: 6, exclusiveMaximum: false };
    expect(walk(schema, '3')).toBe(false);
    expect(walk(schema, '4')).toBe(true);
    expect(walk(schema, '6')).toBe(true);
    expect(walk(schema, '7')).toBe(false);
  });

  it('drafts up to 2019-09: an array items is prefixItems, additionalItems the rest', () => {
    const tuple = { $schema: D2019, type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false };
    expect(walk(tuple, '["a",1]')).toBe(true);
    expect(walk(tuple, '["a"]')).toBe(true);
    expect(walk(tuple, '["a",1,2]')).toBe(false);
    expect(walk(tuple, '[1]')).toBe(false);
    // Beside a schema items, additionalItems means nothing.
    expect(walk({ $schema: D7, type: 'array', items: { type: 'integer' }, additionalItems: false }, '[1,2,3]')).toBe(true);
  });

  it('leaves 2020-12 schemas and schemas without $schema as they are (the same object)', () => {
    const a = withRefSibling({});
    expect(toDraft2020(a)).toBe(a);
    const b = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'string' };
    expect(toDraft2020(b)).toBe(b);
    const unknown = { $schema: 'https://example.com/my-dialect', type: 'string' };
    expect(toDraft2020(unknown)).toBe(unknown);
    const old = withRefSibling({ $schema: D7 });
    const before = structuredClone(old);
    toDraft2020(old);
    expect(old).toEqual(before); // never changed in place
  });

  it('the planner re-validates with the same reading: a draft-07 $ref sibling does not fail a plan', () => {
    const tools = normalizeTools([{ name: 't', parameters: withRefSibling({ $schema: D7 }) }]);
    const plan = (args: Record<string, unknown>) => ({ steps: [{ id: 1, tool: 't', args, depends_on: [] }] });
    expect(validatePlan(plan({ p: 'abcdef' }), tools, 1, 1).steps).toHaveLength(1);
    expect(() => validatePlan(plan({ p: 7 }), tools, 1, 1)).toThrow(PlanValidationError);
  });
});
