/**
 * Structures: grammars of fixed text around JSON values, the way chat templates lay out tool calls
 * (the idea of XGrammar's structural tags, in our own small form).
 */
/** `compact`: no whitespace. `flexible`: bounded whitespace between tokens. */
export type WhitespacePolicy = 'compact' | 'flexible';

/**
 * One part of a structured output.
 *
 * - `text`: exactly these characters.
 * - `json`: one JSON value valid against `schema` (draft 2020-12 subset, as `compileGrammar`), with no
 *   whitespace around it; `whitespace` applies inside (default `compact`).
 * - `xml_parameters`: the arguments of an object `schema` as Qwen3.5 / Qwen3-Coder XML, one
 *   `<parameter=NAME>\nVALUE\n</parameter>\n` per property in declared order (required ones always,
 *   optional ones at will). Strings, enums and booleans are written raw; numbers, objects and arrays as JSON.
 * - `sequence`: the items one after another.
 * - `select`: one of the options, told apart by their `prefix` (no prefix may be a prefix of
 *   another). The chosen option's structure follows its prefix.
 * - `repeat`: `min`..`max` copies of `item`, with `separator` between two copies.
 */
export type Structure =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'json'; readonly schema: unknown; readonly whitespace?: WhitespacePolicy }
  | { readonly type: 'xml_parameters'; readonly schema: unknown }
  | { readonly type: 'sequence'; readonly items: readonly Structure[] }
  | { readonly type: 'select'; readonly options: readonly { readonly prefix: string; readonly then: Structure }[] }
  | { readonly type: 'repeat'; readonly item: Structure; readonly min: number; readonly max: number; readonly separator?: string };
