/**
 * Real-world tool schemas: every BFCL v4 function compiles (or is refused with a typed error that
 * names the keyword), and each ground-truth call, serialized, is accepted token by token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { compileGrammar, UnsupportedSchemaError } from '../../src/grammar/index.ts';
import { SchemaBuilder } from '../../src/grammar/schema/build.ts';
import { bfclToJsonSchema } from '../../src/eval/bfcl-schema.ts';
import { truthValue } from '../../scripts/lib/bfcl-truth.ts';
import { canonicalJson } from '../../scripts/lib/canonical.ts';
import { qwenVocabulary } from '../../scripts/lib/qwen-vocab.ts';
import { sharedData } from '../../scripts/lib/shared.ts';

const DATA = sharedData('bfcl');
const CATEGORIES = ['simple_python', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance'];

interface Case {
  id: string;
  function: { name: string; parameters: unknown }[];
}
type Answer = { id: string; ground_truth: Record<string, Record<string, unknown[]>>[] };

const lines = <T>(file: string): T[] =>
  readFileSync(join(DATA, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

describe('BFCL v4 function schemas', () => {
  const vocab = qwenVocabulary();
  const enc = new TextEncoder();

  it('every function compiles or is refused by keyword; every ground-truth call is accepted', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    let invalidTruth = 0;
    let functions = 0;
    let calls = 0;
    const refused: Record<string, number> = {};
    const rejectedCalls: string[] = [];
    for (const cat of CATEGORIES) {
      const schemas = new Map<string, unknown>();
      for (const c of lines<Case>(`BFCL_v4_${cat}.json`)) {
        for (const f of c.function) {
          functions++;
          const schema = bfclToJsonSchema(f.parameters);
          try {
            compileGrammar(schema, vocab);
            schemas.set(`${c.id}/${f.name}`, schema);
          } catch (e) {
            if (!(e instanceof UnsupportedSchemaError)) throw new Error(`${c.id}/${f.name}: ${String(e)}`);
            refused[e.keyword] = (refused[e.keyword] ?? 0) + 1;
          }
        }
      }
      if (cat === 'irrelevance') continue;
      for (const a of lines<Answer>(`BFCL_v4_${cat}.answer.json`)) {
        for (const call of a.ground_truth) {
          const [name, params] = Object.entries(call)[0]!;
          const schema = schemas.get(`${a.id}/${name}`);
          if (schema === undefined) continue;
          const args = truthValue(params);
          // Some ground truths break their own schema ("venue": true for a string): ajv decides.
          if (!ajv.validate(schema as object, args)) {
            invalidTruth++;
            continue;
          }
          const text = canonicalJson(args, new SchemaBuilder(schema).rootNode());
          const m = compileGrammar(schema, vocab).matcher();
          calls++;
          try {
            for (const t of vocab.tokenize(enc.encode(text))) m.accept(t);
            if (!m.isComplete()) throw new Error('incomplete');
          } catch {
            rejectedCalls.push(`${a.id} ${name} ${text}`);
          }
        }
      }
    }
    console.log(`BFCL: ${functions} functions, refused by keyword ${JSON.stringify(refused)}, ${calls} schema-valid ground-truth calls, ${invalidTruth} ground truths that fail their own schema (skipped)`);
    expect(calls).toBeGreaterThan(1700);
    expect(functions).toBe(1917);
    expect(rejectedCalls).toEqual([]);
    expect(Object.values(refused).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
  });
});
