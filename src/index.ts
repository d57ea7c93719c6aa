/**
 * toolplan: JSON tool-execution plans in the browser with a sub-1B model on WebGPU,
 * valid by construction.
 *
 * The public API, by name: what is not listed here is internal and may change in any release.
 * Three layers, top to bottom: the planner (most apps need only `createPlanner` or `Planner`),
 * the model runtime (load a model, run the cached decode loop under any token constraint), and the
 * constraint engine (JSON Schema or structure → token masks), each with its typed errors.
 *
 * @packageDocumentation
 */

/** The package version. */
export const VERSION = '0.1.0';

export { ToolplanError } from './shared/toolplan-error.ts';

// The planner: tools + query → plan.
export {
  createPlanner,
  WorkerPlanner,
  Planner,
  RemotePlanner,
  checkTools,
  validateTools,
  shortlistTools,
  normalizeTools,
  planSchema,
  executionOrder,
  toOpenAIToolCalls,
  parseToolCalls,
  detectToolCallSyntax,
  DEFAULT_MODEL,
  DEFAULT_PRESET,
  PlannerError,
  InvalidOptionError,
  PlanValidationError,
  PlannerDisposedError,
  PromptTooLongError,
  ToolCallSyntaxError,
  ToolDefinitionError,
  RemoteError,
  WorkerCrashedError,
} from './planner/index.ts';
export type {
  ToolPlanner,
  RemotePlannerOptions,
  RemoteFailure,
  CreatePlannerOptions,
  PlannerOptions,
  PlannerLoadOptions,
  PlannerCheckOptions,
  PlanOptions,
  PlanResult,
  PlanStats,
  GenerateJsonOptions,
  JsonResult,
  PlanEvent,
  PlannerInfo,
  CheckToolsOptions,
  ShortlistOptions,
  ShortlistReport,
  RankTools,
  Plan,
  PlanStep,
  OpenAIToolCall,
  ToolInput,
  Tool,
  OpenAITool,
  McpTool,
  BareTool,
  JsonSchema,
  ModelPreset,
  PlanFormat,
  ToolCallSyntax,
  PlannerWorkerApi,
  WorkerPlannerOptions,
  WorkerPlanOptions,
} from './planner/index.ts';

// The model runtime: files → sessions → the cached decode loop.
export {
  loadModel,
  decode,
  Sampler,
  clearModelCache,
  CACHE_NAME,
  ModelError,
  ModelFileNotFoundError,
  DownloadError,
  IntegrityError,
  StorageQuotaError,
  UnsupportedModelError,
  BackendError,
  UnsupportedOperatorError,
  DeviceLostError,
  ContextOverflowError,
  DisposedError,
  NoAllowedTokenError,
  NonFiniteLogitsError,
} from './model/index.ts';
export type {
  LoadModelOptions,
  Model,
  ModelDtype,
  Device,
  DeviceRequest,
  OrtModule,
  ProgressInfo,
  ProgressCallback,
  CausalLM,
  KeptLogits,
  CacheSnapshot,
  SnapshotStore,
  TextTokenizer,
  ChatMessage,
  DecodeOptions,
  DecodeStats,
  TokenConstraint,
  TokenEvent,
  SamplingOptions,
} from './model/index.ts';

// The constraint engine: a vocabulary (plain data) → a compiler that owns every cache over it →
// compiled grammars (schemas and structures alike) → a matcher per request.
export {
  Vocabulary,
  vocabularyFromTokenizerJson,
  GrammarCompiler,
  compileGrammar,
  CompiledGrammar,
  compileStructure,
  CompiledStructure,
  GrammarMatcher,
  checkSchema,
  parseXmlParameters,
  SchemaError,
  InvalidSchemaError,
  UnsupportedSchemaError,
  UnsatisfiableSchemaError,
  TokenRejectedError,
  BudgetExceededError,
  XmlParametersSyntaxError,
} from './grammar/index.ts';
export type {
  CompileOptions,
  CompilerOptions,
  CompilerCacheSizes,
  CacheSize,
  WhitespacePolicy,
  MatcherOptions,
  StructureOptions,
  Structure,
  VocabularyInput,
  TokenizerJson,
} from './grammar/index.ts';
