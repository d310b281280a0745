import protobuf from 'protobufjs';

// prompb's WriteRequest (remote write 1.0) as a protobufjs reflection definition: only the fields RTPM reads.
// Exemplars (3) and native histograms (4) of TimeSeries are skipped by the decoder as unknown fields.
const definition = {
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
            metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        MetricMetadata: {
          fields: {
            type: { type: 'int32', id: 1 },
            metricFamilyName: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
            unit: { type: 'string', id: 5 },
          },
        },
      },
    },
  },
};

// int64 fields (sample timestamps) are read as JS numbers — exact up to 2^53 ms, far past any valid timestamp —
// rather than as long.js objects: one allocation less per sample and no conversion pass (toObject). This is
// protobufjs' documented switch and it is process-wide; RTPM uses protobufjs for remote write only.
protobuf.util.Long = null as unknown as typeof protobuf.util.Long;
protobuf.configure();

export const WriteRequestType = protobuf.Root.fromJSON(definition).lookupType('prometheus.WriteRequest');

export interface PromLabel {
  name: string;
  value: string;
}
export interface PromSample {
  value: number;
  timestamp: number;
}
export interface PromTimeSeries {
  labels: PromLabel[];
  samples: PromSample[];
}
export interface PromMetadata {
  type: number;
  metricFamilyName: string;
  help: string;
  unit: string;
}
export interface WriteRequest {
  timeseries: PromTimeSeries[];
  metadata: PromMetadata[];
}

// MetricType enum of prompb: UNKNOWN 0, COUNTER 1, GAUGE 2, HISTOGRAM 3, GAUGEHISTOGRAM 4, SUMMARY 5, INFO 6, STATESET 7.
export const PROM_METRIC_TYPE = { counter: 1, gauge: 2, histogram: 3, gaugehistogram: 4, summary: 5 } as const;
