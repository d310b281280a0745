// @rtpm/realtime: the live-update contract and its Redis pub/sub plumbing.
//
// Publishing (any process with Redis, e.g. the worker's alert evaluator):
//   - Nest: import RealtimeModule (needs the global ConfigModule and DatabaseModule) and inject
//     RealtimePublisher; `await publisher.publishAlert(event)` on every alert transition.
//   - Plain: `await publishAlertEvent(redis, config.redis.keyPrefix, event)` with any ioredis client.
// Channels: realtimeChannels(keyPrefix) → `${prefix}realtime:metrics` (every metric, while a replica wants all) and
// `${prefix}realtime:metrics:<name>` (one metric, while a replica wants it), both {metrics: MetricUpdate[]};
// `${prefix}realtime:alerts` (one AlertEvent per message, JSON); `${prefix}realtime:demand` (what replicas want).
//
// Receiving (the API): RealtimeHubModule gives the RealtimeHub, which every replica runs with its own subscriber
// and which feeds the transports through RealtimeSink / RealtimeConnection. The hub subscribes only to wanted
// metrics and keeps the demand of all replicas (publishDemand) for the API's ingest relay.
export {
  CONNECTION_AUTHORIZER,
  type AuthorizationResult,
  type ConnectionAttempt,
  type ConnectionAuthorizer,
} from './connection-authorizer.js';
export {
  ConnectionRegistry,
  type ConnectionCountListener,
  type ConnectionCounts,
  type RealtimeConnection,
} from './connection-registry.js';
export { Coalescer } from './core/coalescer.js';
export { MetricDemand, demandChannels, globLiteral, metricChannelOf } from './core/metric-demand.js';
export { MetricSelection } from './core/metric-selection.js';
export { parseSubscriptionRequest, quoted, type Parsed } from './core/subscription-request.js';
export { parseClientMessage, type ClientCommand } from './core/wire-message.js';
export { DemandBroker } from './demand-broker.js';
export {
  ALERTS_ROOM,
  RealtimeHub,
  type MetricsChannelListener,
  type OpenResult,
  type RealtimeSink,
  type SubscriptionResult,
} from './realtime-hub.js';
export {
  COALESCE_INTERVAL_MS,
  DEMAND_ACK_TIMEOUT_MS,
  DEMAND_REFRESH_MS,
  MAX_SELECTION_TEXT_PER_CONNECTION,
  MAX_SELECTORS_PER_CONNECTION,
  SLOW_CONSUMER_LIMIT_BYTES,
  realtimeChannels,
  type RealtimeChannels,
} from './realtime.channels.js';
export { RealtimeHubModule, RealtimeModule } from './realtime.module.js';
export {
  publishAlertEvent,
  publishMetricUpdates,
  RealtimePublisher,
  type RedisPublisher,
} from './realtime.publisher.js';
export {
  ALERT_STATES,
  SUBSCRIPTION_KINDS,
  type AlertEvent,
  type AlertEventState,
  type MetricUpdate,
  type MetricUpdateBatch,
  type RealtimeLabels,
  type RealtimeTransport,
  type ServerEvent,
  type SubscriptionKind,
  type SubscriptionRequest,
} from './realtime.types.js';
