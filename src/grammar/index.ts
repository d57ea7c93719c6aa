/**
 * The constraint engine: JSON Schema → token masks, valid by construction. Pure TypeScript with no
 * DOM or Node APIs, so it runs in a worker, in Node and in tests.
 *
 * @packageDocumentation
 */
export { CompiledGrammar, type CompileOptions, type StructureOptions, type WhitespacePolicy } from './compile.ts';
export {
  compileGrammar,
  compileStructure,
  compilerFor,
  GrammarCompiler,
  DEFAULT_CACHE_BYTES,
  type CacheSize,
  type CompilerCacheSizes,
  type CompilerOptions,
} from './compiler.ts';
export { defaultSchemaMemo, SchemaMemo } from './schema/schema-memo.ts';
export { hashOf as contentHash } from '../shared/content-hash.ts';
export { checkSchema, checkSchemaIn } from './check-schema.ts';
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
/** @deprecated One compiled type serves schemas and structures: use CompiledGrammar (the same class). */
export { CompiledGrammar as CompiledStructure } from './compile.ts';
export type { Structure } from './structure/spec.ts';
export { parseXmlParameters, readXmlParameters, xmlParametersNode } from './structure/xml-parameters.ts';
