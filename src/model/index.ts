/**
 * The model runtime: model files → onnxruntime sessions → a cached decode loop with masking,
 * jump-forward and prefix snapshots. Knows nothing of JSON or plans; a constraint comes in through
 * the `TokenConstraint` interface.
 *
 * @packageDocumentation
 */
export { loadModel, type LoadModelOptions, type Model } from './load-model.ts';
export { CausalLM, KeptLogits, type CacheSnapshot, type LMSessions, type CausalLMOptions } from './causal-lm.ts';
export { decode, type DecodeOptions, type DecodeStats, type StepProfile, type TokenConstraint, type TokenEvent } from './decode-loop.ts';
export { Sampler, type SamplingOptions } from './sampler.ts';
export { SnapshotStore } from './snapshot-store.ts';
export { TextTokenizer, type ChatMessage, type ChatTemplateOptions, type TokenizerJsonData } from './tokenizer.ts';
export { fetchModelFile, clearModelCache, CACHE_NAME, type FileRequest } from './download.ts';
export { resolveSource, dtypeSuffix, type ModelDtype, type ResolvedSource, type SourceOptions } from './source.ts';
export { graphNames, graphFile, externalDataFiles, type ModelConfig, type GraphNames } from './model-files.ts';
export { probeDevice, createSession, type Device, type DeviceRequest, type DeviceChoice, type ModelBytes } from './sessions.ts';
export { cacheLayout, emptyCache, presentNameOf, type CacheSlot } from './cache-layout.ts';
export { loadOrt, isNode, type OrtModule } from './ort.ts';
export { QuantizedEmbedding, type EmbeddingSession } from './embedding-lookup.ts';
export type { ProgressInfo, ProgressCallback } from './progress.ts';
export {
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
} from './errors.ts';
