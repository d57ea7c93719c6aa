/**
 * Parses the regular subset of ECMAScript regular expressions (as JSON Schema `pattern` uses them,
 * with the `u` flag, as ajv compiles them) into a small AST over code-point ranges.
 * Lookaround, backreferences, word boundaries and inner anchors are refused.
 */

import { ToolplanError } from '../../shared/toolplan-error.ts';

/** Sorted, non-overlapping inclusive code-point ranges. */
export type Ranges = readonly (readonly [number, number])[];

export type RegexAst =
  | { t: 'set'; ranges: Ranges }
  | { t: 'seq'; items: RegexAst[] }
  | { t: 'alt'; items: RegexAst[] }
  | { t: 'rep'; item: RegexAst; min: number; max: number };

/** A malformed pattern (the schema builder reports it as InvalidSchemaError with its pointer). */
export class RegexSyntaxError extends ToolplanError {
  override name: string = 'RegexSyntaxError';
}

export const MAX_CODE_POINT = 0x10ffff;
/** Code points a JSON string can hold here: no lone surrogates. */
export const ALL: Ranges = [
  [0, 0xd7ff],
  [0xe000, MAX_CODE_POINT],
];

export function normalize(ranges: [number, number][]): Ranges {
  const sorted = ranges.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return intersect(out, ALL);
}

export function complement(r: Ranges): Ranges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of r) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return intersect(out, ALL);
}

function intersect(a: Ranges, b: Ranges): Ranges {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0]);
    const hi = Math.min(a[i]![1], b[j]![1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = normalize([
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]);
const SPACE: Ranges = normalize([
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);
/** `.` without the `s` flag: anything but line terminators. */
const DOT = complement(normalize([
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
]));

function caseFold(r: Ranges): Ranges {
  const extra: [number, number][] = [];
  for (const [a, b] of r) {
    const lo = Math.max(a, 0x41);
    const hi = Math.min(b, 0x5a);
    if (lo <= hi) extra.push([lo + 32, hi + 32]);
    const lo2 = Math.max(a, 0x61);
    const hi2 = Math.min(b, 0x7a);
    if (lo2 <= hi2) extra.push([lo2 - 32, hi2 - 32]);
  }
  return normalize([...r.map(([a, b]) => [a, b] as [number, number]), ...extra]);
}

export interface ParsedRegex {
  ast: RegexAst;
}

/**
 * Parses `source`; the result matches exactly the strings `new RegExp(source, 'u' + flags).test`
 * accepts (search semantics: unanchored sides match any prefix/suffix).
 */
export function parseRegex(source: string, flags: { ignoreCase?: boolean } = {}): RegexAst {
  const cps = [...source].map((c) => c.codePointAt(0)!);
  let pos = 0;
  const peek = () => cps[pos];
  const eat = (c: string) => {
    if (cps[pos] === c.codePointAt(0)) {
      pos++;
      return true;
    }
    return false;
  };
  const fail = (msg: string): never => {
    throw new RegexSyntaxError(`${msg} at ${pos} in /${source}/`);
  };
  const set = (ranges: Ranges): RegexAst => ({ t: 'set', ranges: flags.ignoreCase ? caseFold(ranges) : ranges });

  const hex = (n: number): number => {
    let v = 0;
    for (let k = 0; k < n; k++) {
      const c = cps[pos++];
      const d = c === undefined ? NaN : parseInt(String.fromCodePoint(c), 16);
      if (Number.isNaN(d)) fail('bad hex escape');
      v = v * 16 + d;
    }
    return v;
  };

  /** An escape after `\`; returns ranges. `inClass` changes `\b` (backspace there). */
  const escape = (inClass: boolean): Ranges => {
    const c = cps[pos++];
    if (c === undefined) return fail('trailing backslash');
    const ch = String.fromCodePoint(c);
    switch (ch) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 'n':
        return [[10, 10]];
      case 'r':
        return [[13, 13]];
      case 't':
        return [[9, 9]];
      case 'f':
        return [[12, 12]];
      case 'v':
        return [[11, 11]];
      case '0':
        if (cps[pos] !== undefined && cps[pos]! >= 0x30 && cps[pos]! <= 0x39) fail('octal escape');
        return [[0, 0]];
      case 'x': {
        const v = hex(2);
        return [[v, v]];
      }
      case 'u': {
        let v: number;
        if (eat('{')) {
          v = 0;
          let digits = 0;
          while (!eat('}')) {
            v = v * 16 + hex(1);
            if (++digits > 6) fail('bad \\u{}');
          }
        } else {
          v = hex(4);
          if (v >= 0xd800 && v <= 0xdbff && cps[pos] === 0x5c && cps[pos + 1] === 0x75) {
            const save = pos;
            pos += 2;
            const lo = hex(4);
            if (lo >= 0xdc00 && lo <= 0xdfff) v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
            else pos = save;
          }
        }
        return [[v, v]];
      }
      case 'c': {
        const l = cps[pos++];
        if (l === undefined || !/[a-z]/i.test(String.fromCodePoint(l))) return fail('bad \\c');
        return [[l % 32, l % 32]];
      }
      case 'b':
        if (inClass) return [[8, 8]];
        throw new UnsupportedRegexFeature('word boundary \\b');
      case 'B':
        throw new UnsupportedRegexFeature('\\B');
      case 'p':
      case 'P':
        throw new UnsupportedRegexFeature('Unicode property escapes');
      case 'k':
        throw new UnsupportedRegexFeature('named backreferences');
      default:
        if (c >= 0x31 && c <= 0x39) throw new UnsupportedRegexFeature('backreferences');
        // With the u flag only syntax characters may be identity-escaped.
        if (!'^$\\.*+?()[]{}|/-'.includes(ch)) fail(`invalid escape \\${ch}`);
        return [[c, c]];
    }
  };

  const classAtom = (): Ranges => {
    const c = cps[pos];
    if (c === undefined) return fail('unterminated class');
    pos++;
    if (c === 0x5c) return escape(true);
    return [[c, c]];
  };

  const charClass = (): RegexAst => {
    const negate = eat('^');
    const parts: [number, number][] = [];
    while (!eat(']')) {
      const a = classAtom();
      if (peek() === 0x2d && cps[pos + 1] !== 0x5d && cps[pos + 1] !== undefined) {
        pos++;
        const b = classAtom();
        if (a.length !== 1 || b.length !== 1 || a[0]![0] !== a[0]![1] || b[0]![0] !== b[0]![1]) {
          fail('class range with a class escape');
        }
        if (a[0]![0] > b[0]![0]) fail('range out of order');
        parts.push([a[0]![0], b[0]![0]]);
      } else {
        for (const [x, y] of a) parts.push([x, y]);
      }
    }
    let r = normalize(parts);
    if (flags.ignoreCase) r = caseFold(r);
    return { t: 'set', ranges: negate ? complement(r) : r };
  };

  const atom = (): RegexAst => {
    const c = peek()!;
    pos++;
    switch (c) {
      case 0x2e: // .
        return set(DOT);
      case 0x5b: // [
        return charClass();
      case 0x28: {
        // (
        if (eat('?')) {
          if (eat(':')) {
            /* non-capturing */
          } else if (eat('<')) {
            if (peek() === 0x3d || peek() === 0x21) throw new UnsupportedRegexFeature('lookbehind');
            while (!eat('>')) if (pos++ >= cps.length) fail('unterminated group name');
          } else {
            throw new UnsupportedRegexFeature('lookahead or group modifiers');
          }
        }
        const inner = alternation();
        if (!eat(')')) fail('missing )');
        return inner;
      }
      case 0x5c: // \
        return set(escape(false));
      case 0x5e: // ^
      case 0x24: // $
        throw new UnsupportedRegexFeature('anchors inside the pattern');
      case 0x29:
      case 0x2a:
      case 0x2b:
      case 0x3f:
      case 0x7b:
      case 0x7d:
      case 0x5d:
      case 0x7c:
        return fail(`unexpected ${String.fromCodePoint(c)}`);
      default:
        return set([[c, c]]);
    }
  };

  const number = (): number => {
    let v = '';
    while (peek() !== undefined && peek()! >= 0x30 && peek()! <= 0x39) v += String.fromCodePoint(cps[pos++]!);
    return v === '' ? NaN : Number(v);
  };

  const quantified = (): RegexAst => {
    let a = atom();
    for (;;) {
      let min: number;
      let max: number;
      if (eat('*')) [min, max] = [0, Infinity];
      else if (eat('+')) [min, max] = [1, Infinity];
      else if (eat('?')) [min, max] = [0, 1];
      else if (peek() === 0x7b) {
        pos++;
        min = number();
        if (Number.isNaN(min)) fail('bad quantifier');
        max = min;
        if (eat(',')) {
          max = number();
          if (Number.isNaN(max)) max = Infinity;
        }
        if (!eat('}')) fail('bad quantifier');
        if (max < min) fail('quantifier range out of order');
      } else return a;
      eat('?'); // lazy quantifiers match the same language
      a = { t: 'rep', item: a, min, max };
    }
  };

  const sequence = (): RegexAst => {
    const items: RegexAst[] = [];
    while (pos < cps.length && peek() !== 0x7c && peek() !== 0x29) items.push(quantified());
    return { t: 'seq', items };
  };

  const alternation = (): RegexAst => {
    const items = [sequence()];
    while (eat('|')) items.push(sequence());
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  };

  // Top level: alternatives, each optionally anchored at its start and end.
  const anyStar: RegexAst = { t: 'rep', item: { t: 'set', ranges: ALL }, min: 0, max: Infinity };
  const alternatives: RegexAst[] = [];
  for (;;) {
    const anchoredStart = eat('^');
    const items: RegexAst[] = [];
    let anchoredEnd = false;
    while (pos < cps.length && peek() !== 0x7c) {
      if (peek() === 0x24 && (pos + 1 === cps.length || cps[pos + 1] === 0x7c)) {
        pos++;
        anchoredEnd = true;
        break;
      }
      if (peek() === 0x29) fail('unbalanced )');
      items.push(quantified());
    }
    alternatives.push({
      t: 'seq',
      items: [...(anchoredStart ? [] : [anyStar]), ...items, ...(anchoredEnd ? [] : [anyStar])],
    });
    if (!eat('|')) break;
  }
  if (pos !== cps.length) fail('unexpected input');
  return alternatives.length === 1 ? alternatives[0]! : { t: 'alt', items: alternatives };
}

export class UnsupportedRegexFeature extends ToolplanError {
  override name: string = 'UnsupportedRegexFeature';
}
