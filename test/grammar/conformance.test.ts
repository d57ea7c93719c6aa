/**
 * JSON-Schema-Test-Suite (draft 2020-12) conformance, with a ratchet: no invalid instance may ever
 * be accepted; valid instances the engine rejects on principle are listed in
 * conformance-baseline.json with the reason, and any change to that list fails the test.
 * Groups using unsupported keywords must raise UnsupportedSchemaError.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGrammar, SchemaError } from '../../src/grammar/index.ts';
import { SchemaBuilder } from '../../src/grammar/schema/build.ts';
import { acceptsText } from '../helpers/accepts-text.ts';
import { canonicalJson } from '../../scripts/lib/canonical.ts';
import { qwenVocabulary } from '../../scripts/lib/qwen-vocab.ts';
import { sharedData } from '../../scripts/lib/shared.ts';
import baseline from './conformance-baseline.json' with { type: 'json' };

const SUITE = sharedData('json-schema-test-suite/draft2020-12');
interface Group {
  description: string;
  schema: unknown;
  tests: { description: string; data: unknown; valid: boolean }[];
}

const vocab = qwenVocabulary();

const accepted = (schema: unknown, text: string) => acceptsText(schema, text, vocab);

describe('JSON-Schema-Test-Suite draft2020-12', () => {
  it('never accepts an invalid instance; valid ones rejected only as the baseline lists', () => {
    const counts = { groups: 0, refused: 0, compiled: 0, validAccepted: 0, validRejected: 0, invalidRejected: 0, invalidAccepted: 0 };
    const falseNegatives: Record<string, string> = {};
    const falsePositives: string[] = [];
    for (const file of readdirSync(SUITE).filter((f) => f.endsWith('.json')).sort()) {
      const groups = JSON.parse(readFileSync(join(SUITE, file), 'utf8')) as Group[];
      for (const g of groups) {
        counts.groups++;
        let root;
        try {
          compileGrammar(g.schema, vocab);
          root = new SchemaBuilder(g.schema).rootNode();
        } catch (e) {
          if (!(e instanceof SchemaError)) throw e;
          counts.refused++;
          continue;
        }
        counts.compiled++;
        for (const t of g.tests) {
          const id = `${file} | ${g.description} | ${t.description}`;
          const text = t.valid ? canonicalJson(t.data, root) : JSON.stringify(t.data);
          const ok = text !== undefined && accepted(g.schema, text);
          if (t.valid && ok) counts.validAccepted++;
          else if (t.valid) {
            counts.validRejected++;
            falseNegatives[id] = text;
          } else if (ok) {
            counts.invalidAccepted++;
            falsePositives.push(`${id}: ${text}`);
          } else counts.invalidRejected++;
        }
      }
    }
    console.log('conformance', JSON.stringify(counts));
    expect(falsePositives).toEqual([]);
    expect(Object.keys(falseNegatives).sort()).toEqual(Object.keys(baseline.falseNegatives).sort());
    // Figures at the time of writing; a drop means lost coverage.
    expect(counts.compiled).toBeGreaterThanOrEqual(175);
    expect(counts.validAccepted).toBeGreaterThanOrEqual(430);
  });
});
