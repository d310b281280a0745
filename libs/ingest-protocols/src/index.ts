// @rtpm/ingest-protocols: wire formats of foreign senders decoded into RTPM samples (Prometheus remote write 1.0).
export {
  REMOTE_WRITE_V2_PROTO,
  RemoteWriteError,
  decodeWriteRequest,
  isRemoteWriteV1ContentType,
  metadataByFamily,
  type MetadataEntry,
} from './remote-write.decoder.js';
export {
  PROM_METRIC_TYPE,
  WriteRequestType,
  type PromMetadata,
  type PromTimeSeries,
  type WriteRequest,
} from './remote-write.proto.js';
export { isStaleMarker, mapWriteRequest, type MappedWrite } from './remote-write.samples.js';
