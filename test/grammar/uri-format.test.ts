/**
 * `format: "uri"` accepts exactly what ajv-formats' `uri` accepts: a differential test over
 * hand-picked URIs (rootless, IP literals, IPvFuture) and generated ones.
 */
import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { compileGrammar } from '../../src/grammar/index.ts';
import { smallVocabulary } from '../helpers/small-vocab.ts';

const vocab = smallVocabulary();
const enc = new TextEncoder();
const grammar = compileGrammar({ type: 'string', format: 'uri' }, vocab);
const ajvUri = fullFormats.uri as (s: string) => boolean;

function ours(s: string): boolean {
  const m = grammar.matcher({ maxTokens: 4000 });
  try {
    for (const t of vocab.tokenize(enc.encode(JSON.stringify(s)))) m.accept(t);
  } catch {
    return false;
  }
  return m.isComplete();
}

const PICKED = [
  'mailto:a@b.com',
  'urn:isbn:0451450523',
  'ecdsa-koblitz-pubkey:14RZQQuWaQ7ZFgwcq6StyNvTmwoQ2Ue8Hs',
  'http://[::1]/x',
  'http://[2001:db8::7]:8080/c=GB?objectClass?one',
  'http://[v7.fe80::a+en1]/',
  'http://192.168.0.1:80/',
  'https://example.com/a?b#c',
  'file:///etc/hosts',
  'tel:+1-816-555-1212',
  'news:comp.infosystems.www.servers.unix',
  'a:',
  'x:/',
  // Not URIs (ajv says no): no scheme, spaces, a bad escape, a bare fragment, an unclosed literal.
  '//example.com',
  'example.com',
  'http://exa mple.com',
  'http://a/%zz',
  '#frag',
  'http://[::1/x',
  '1http://a',
  '',
];

describe('format "uri" = ajv-formats uri', () => {
  it.each(PICKED)('%j', (s) => {
    expect(ours(s)).toBe(ajvUri(s));
  });

  it('agrees on generated URIs and near-URIs', () => {
    const alphabet = fc.constantFrom(...'ab:/?#[]@!$&\'()*+,;=%0f9.-_~ V'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.tuple(fc.constantFrom('http:', 'urn:', 'mailto:', 'x-y.z+1:', 'http://', 'http://['), fc.string({ unit: alphabet, maxLength: 24 })).map(([a, b]) => a + b),
        ),
        (s) => {
          expect(ours(s)).toBe(ajvUri(s));
        },
      ),
      { numRuns: 300 },
    );
  });
});
