/**
 * The constraint engine: JSON Schema → token masks, valid by construction. Pure TypeScript with no
 * DOM or Node APIs, so it runs in a worker, in Node and in tests.
 *
 * @packageDocumentation
 */
export { compileGrammar, CompiledGrammar, type CompileOptions, type WhitespacePolicy } from './compile.ts';
export { hashOf as contentHash } from './content-hash.ts';
export { checkSchema } from './check-schema.ts';
export { toDraft2020, draftOf, type Draft } from './schema/drafts.ts';
export { GrammarMatcher, type MatcherOptions } from './matcher.ts';
export { Vocabulary, vocabularyFromTokenizerJson, type VocabularyInput, type TokenizerJson } from './vocabulary.ts';
export {
  BudgetExceededError,
  InvalidSchemaError,
  SchemaError,
  TokenRejectedError,
  UnsatisfiableSchemaError,
  UnsupportedSchemaError,
  XmlParametersSyntaxError,
} from './errors.ts';
export { compileStructure, CompiledStructure, type StructureOptions } from './structure/compile.ts';
export type { Structure } from './structure/spec.ts';
export { parseXmlParameters, readXmlParameters, xmlParametersNode } from './structure/xml-parameters.ts';
