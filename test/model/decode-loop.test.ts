/**
 * The decode loop with the real constraint engine on a tiny model: valid output for random logits
 * from a random-weight model, jump-forward saving forward passes, prefix snapshots, abort.
 */
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGrammar, Vocabulary, vocabularyFromTokenizerJson } from '../../src/grammar/index.ts';
import { decode, loadModel, Sampler, SnapshotStore, type DecodeOptions, type DecodeStats, type Model } from '../../src/model/index.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

const SCHEMA = {
  type: 'object',
  properties: {
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: {
        type: 'object',
        properties: {
          tool: { enum: ['search_flights', 'send_email'] },
          args: { type: 'object', properties: { to: { type: 'string', maxLength: 12 } }, required: ['to'], additionalProperties: false },
        },
        required: ['tool', 'args'],
        additionalProperties: false,
      },
    },
  },
  required: ['steps'],
  additionalProperties: false,
};

let model: Model;
let vocab: Vocabulary;
let prompt: number[];
beforeAll(async () => {
  model = await loadModel(modelDir('tiny-qwen3_5'), { dtype: 'q4' });
  vocab = new Vocabulary(vocabularyFromTokenizerJson(model.tokenizer.json as never, { size: model.vocabSize, stopTokens: model.eosTokenIds }));
  prompt = model.tokenizer.encode('<|im_start|>user\nFly me to Lisbon and email Ana.<|im_end|>\n<|im_start|>assistant\n');
});
afterAll(() => model?.dispose());

async function run(o: Partial<DecodeOptions> & { maxTokens?: number; p?: number[] }): Promise<{ text: string; tokens: number[]; stats: DecodeStats }> {
  const matcher = compileGrammar(SCHEMA, vocab).matcher({ maxTokens: o.maxTokens ?? 200 });
  const it = decode(model.lm, o.p ?? prompt, { sampler: new Sampler(), maxNewTokens: 201, stopTokens: model.eosTokenIds, constraint: matcher, ...o });
  const tokens: number[] = [];
  for (let r = await it.next(); ; r = await it.next()) {
    if (r.done) return { text: model.tokenizer.decode(tokens.filter((t) => !model.eosTokenIds.includes(t))), tokens, stats: r.value };
    tokens.push(r.value.token);
  }
}

describe('constrained decode on tiny-qwen3_5 (q4)', () => {
  const validate = new Ajv().compile(SCHEMA);

  it.each([0, 1, 2, 3])('a random-weight model writes a schema-valid document (seed %i, temperature 1)', async (seed) => {
    const { text, stats } = await run({ sampler: new Sampler({ temperature: 1, seed }), maxTokens: 120 });
    expect(stats.finish).toBe('stop');
    expect(validate(JSON.parse(text))).toBe(true);
    expect(stats.tokens).toBeLessThanOrEqual(121);
  });

  it('jump-forward feeds forced runs in one pass: far fewer passes than tokens', async () => {
    const on = await run({ sampler: new Sampler({ temperature: 1, seed: 9 }) });
    const off = await run({ sampler: new Sampler({ temperature: 1, seed: 9 }), jumpForward: false });
    expect(validate(JSON.parse(on.text))).toBe(true);
    expect(validate(JSON.parse(off.text))).toBe(true);
    expect(on.stats.forcedTokens).toBeGreaterThan(0);
    expect(off.stats.forcedTokens).toBe(0);
    // Without jump-forward: one pass per token except the stop token (+ prefill).
    expect(off.stats.forwardPasses).toBe(off.stats.tokens);
    expect(on.stats.forwardPasses).toBeLessThan(on.stats.tokens - on.stats.forcedTokens + 1);
  });

  it('a prefix snapshot skips the shared prefix and changes nothing in the output', async () => {
    const snapshots = new SnapshotStore();
    const prefixLength = prompt.length - 4;
    const first = await run({ snapshots, prefixLength });
    expect(first.stats.prefilledTokens).toBe(prompt.length);
    expect(snapshots.size).toBe(1);
    const second = await run({ snapshots, prefixLength });
    expect(second.stats.prefilledTokens).toBe(4);
    expect(second.tokens).toEqual(first.tokens);
    // A different suffix after the same prefix reuses it too.
    const other = [...prompt.slice(0, prefixLength), ...model.tokenizer.encode('Hi there')];
    const third = await run({ snapshots, prefixLength, p: other });
    expect(third.stats.prefilledTokens).toBe(other.length - prefixLength);
  });

  it('abort stops between steps with the signal reason, and the runtime stays usable', async () => {
    const ac = new AbortController();
    const matcher = compileGrammar(SCHEMA, vocab).matcher({ maxTokens: 200 });
    const it = decode(model.lm, prompt, { sampler: new Sampler(), maxNewTokens: 200, stopTokens: [], constraint: matcher, signal: ac.signal });
    let seen = 0;
    await expect(
      (async () => {
        for (let r = await it.next(); !r.done; r = await it.next()) if (++seen === 3) ac.abort();
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeGreaterThanOrEqual(3);
    expect(seen).toBeLessThan(10);
    const after = await run({});
    expect(validate(JSON.parse(after.text))).toBe(true);
  });

  it('the token budget shapes a rambling model into a complete document within it', async () => {
    for (const budget of [55, 70]) {
      const { text, stats } = await run({ sampler: new Sampler({ temperature: 1.5, seed: budget }), maxTokens: budget });
      expect(stats.tokens - 1).toBeLessThanOrEqual(budget); // the stop token is not counted
      expect(validate(JSON.parse(text))).toBe(true);
    }
  });

  it('fills the next mask while the forward pass runs (started before, finished after), and gives the same tokens', async () => {
    const events: string[] = [];
    const lm = model.lm;
    const forward = lm.forward.bind(lm);
    lm.forward = async (t: readonly number[]) => {
      events.push('start');
      try {
        return await forward(t);
      } finally {
        events.push('end');
      }
    };
    try {
      const matcher = compileGrammar(SCHEMA, vocab).matcher({ maxTokens: 200 });
      const fill = matcher.fillMask.bind(matcher);
      matcher.fillMask = (m: Uint32Array) => {
        events.push('mask');
        fill(m);
      };
      // Speculation off: it fills a mask only where the model's choice is refused.
      const it = decode(lm, prompt, { sampler: new Sampler(), maxNewTokens: 201, stopTokens: model.eosTokenIds, constraint: matcher, jumpForward: false, speculate: false });
      const tokens: number[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) tokens.push(r.value.token);
      // Prefill, its mask, then every step: the pass starts, the mask is filled, the pass ends.
      expect(events.slice(0, 3)).toEqual(['start', 'end', 'mask']);
      const steps = events.slice(3).join(' ');
      expect(steps).toBe(Array.from({ length: tokens.length - 1 }, () => 'start mask end').join(' '));
      lm.forward = forward;
      expect(tokens).toEqual((await run({ jumpForward: false, speculate: false })).tokens);
    } finally {
      lm.forward = forward;
    }
  });

  it('greedy speculation: the same tokens with and without it (tight budgets too), masks filled only where the model’s choice was not taken', async () => {
    const tight = compileGrammar(SCHEMA, vocab).matcher().minTokensToComplete() + 3;
    for (const [jumpForward, maxTokens] of [[false, 200], [true, 200], [false, tight], [true, tight]] as const) {
      const plain = await run({ jumpForward, speculate: false, maxTokens });
      const matcher = compileGrammar(SCHEMA, vocab).matcher({ maxTokens });
      const fill = matcher.fillMask.bind(matcher);
      let fills = 0;
      matcher.fillMask = (m: Uint32Array) => {
        fills++;
        fill(m);
      };
      // 'always': a random-weight model's choices are refused too often for the default to go on trying.
      const it = decode(model.lm, prompt, { sampler: new Sampler(), maxNewTokens: 201, stopTokens: model.eosTokenIds, constraint: matcher, jumpForward, speculate: 'always' });
      const tokens: number[] = [];
      let r = await it.next();
      for (; !r.done; r = await it.next()) tokens.push(r.value.token);
      const stats = r.value;
      expect(tokens).toEqual(plain.tokens);
      expect(plain.stats.unmaskedTokens).toBe(0);
      // A random-weight model's choice is refused now and then, and taken now and then.
      if (maxTokens === 200) expect(stats.unmaskedTokens).toBeGreaterThan(0);
      expect(fills).toBeGreaterThan(0);
      expect(fills + stats.unmaskedTokens).toBe(stats.tokens - stats.forcedTokens);
      // speculate: true gives up after 8 tries with fewer than half taken; the tokens stay the same.
      const adaptive = await run({ jumpForward, maxTokens, speculate: true });
      expect(adaptive.tokens).toEqual(plain.tokens);
      expect(adaptive.stats.unmaskedTokens).toBeLessThanOrEqual(stats.unmaskedTokens);
    }
  });

  it('a constraint that throws while the pass runs fails the decode with its error; the model is not left busy', async () => {
    const matcher = compileGrammar(SCHEMA, vocab).matcher({ maxTokens: 200 });
    const fill = matcher.fillMask.bind(matcher);
    let calls = 0;
    matcher.fillMask = (m: Uint32Array) => {
      if (++calls === 4) throw new TypeError('constraint broke');
      fill(m);
    };
    const it = decode(model.lm, prompt, { sampler: new Sampler(), maxNewTokens: 201, stopTokens: model.eosTokenIds, constraint: matcher, jumpForward: false, speculate: false });
    const drain = async () => {
      for (let r = await it.next(); !r.done; r = await it.next());
    };
    await expect(drain()).rejects.toThrow('constraint broke');
    const after = await run({});
    expect(validate(JSON.parse(after.text))).toBe(true);
  });
});
