export { ERROR_CODES, MlgymError, formatIssue, isMlgymError } from './mlgymError.js';
export type { ErrorCode, MlgymIssue, MlgymErrorOptions, SourceLocation } from './mlgymError.js';
export {
  BACKENDS,
  BackendSchema,
  ENVIRONMENT_TYPES,
  EnvironmentSchema,
  LoggingSchema,
  RUN_TYPES,
  RunConfigSchema,
  RunConfigurationSchema,
  TrainRunSchema,
  WarmStartRunSchema,
} from './runConfig.js';
export type { Backend, Environment, LoggingConfig, RunConfig, TrainRun, WarmStartRun } from './runConfig.js';
export { RunInfoSchema, TrainingSettingsSchema, WarmStartRecordSchema } from './runInfo.js';
export type { RunInfo, TrainingSettings, WarmStartRecord } from './runInfo.js';
export {
  ComponentEntrySchema,
  ModelInfoSchema,
  RESERVED_GS_KEYS,
  RequirementSchema,
  SubscriptionSchema,
} from './gsConfig.js';
export type { ComponentEntry, ExperimentConfig, ModelInfo, Requirement, Subscription } from './gsConfig.js';
export {
  CrossValidationSchema,
  NestedCrossValidationSchema,
  VALIDATION_MODES,
  VALIDATION_MODE_ALIASES,
} from './validationConfig.js';
export type {
  CrossValidationConfig,
  NestedCrossValidationConfig,
  ValidationMode,
  ValidationStrategy,
} from './validationConfig.js';
export {
  EVENT_SCHEMAS,
  ORIGINAL_EVENT_TYPES,
  EVENT_TYPES,
  EvaluationResultPayloadSchema,
  ExperimentConfigPayloadSchema,
  ExperimentStatusPayloadSchema,
  JOB_STATUSES,
  JOB_TYPE_CALC,
  JobStatusPayloadSchema,
  JobStatusSchema,
  MlgymEventSchema,
  SafeNameSchema,
} from './events.js';
export type { MlgymEvent, MlgymEventType } from './events.js';
export {
  AshaSpecSchema,
  HyperbandSpecSchema,
  MedianStoppingSpecSchema,
  SEARCH_ALGORITHMS,
  SearchSpecSchema,
  SuccessiveHalvingSpecSchema,
  TPE_PRUNERS,
  TpeSpecSchema,
  isAdaptiveSearch,
} from './searchConfig.js';
export type { SearchAlgorithm, SearchSpec } from './searchConfig.js';
export {
  JobInterruptedPayloadSchema,
  SEARCH_DECISIONS,
  SearchDecisionPayloadSchema,
  SearchPlanPayloadSchema,
  SearchRungSchema,
} from './searchEvents.js';
export type {
  JobInterruptedPayload,
  SearchDecisionKind,
  SearchDecisionPayload,
  SearchPlanPayload,
} from './searchEvents.js';
export { MAX_EVENT_BYTES, MAX_JSON_DEPTH, jsonSizeAtLeast, nestsDeeperThan } from './jsonBounds.js';
export {
  CheckpointListEntrySchema,
  ExperimentStatusEntrySchema,
  PutConfigBodySchema,
  UploadAnswerSchema,
} from './restBodies.js';
export type { CheckpointListEntry, ExperimentStatusEntry, PutConfigBody, UploadAnswer } from './restBodies.js';
export {
  HISTORY_COUNT_HEADER,
  HISTORY_FIRST_ID_HEADER,
  HISTORY_PATH,
  JoinRequestSchema,
  PUBLISHER_ROOMS,
  PublishBatchSchema,
  WS_HTTP_ROUTES,
  WS_MESSAGE_SCOPES,
} from './wsProtocol.js';
export type {
  ClientToServerEvents,
  GridSearchListEntry,
  HistoryChunk,
  HistoryDone,
  JoinAck,
  JoinRequest,
  MlgymEventMessage,
  PublishAck,
  PublishBatch,
  ServerToClientEvents,
} from './wsProtocol.js';
export { ChunkUploadQuerySchema, IntegerSegmentSchema, MetricsQuerySchema, REST_ROUTES } from './restRoutes.js';
export type { RestRoute } from './restRoutes.js';
export { AUTH_ERROR_CODES, TOKEN_SCOPES, WHOAMI_PATH, authErrorBodySchema, whoamiResponseSchema } from './auth.js';
export type { AuthErrorBody, AuthErrorCode, TokenScope, WhoamiResponse } from './auth.js';
export { SCOPE_DESCRIPTIONS, scopeAllows } from './tokenScopes.js';
