import type { PromData, StructuredResult } from '../query.types.js';
import { IsoTimeFormatter } from './iso-time.js';

// Response bodies written as text, byte for byte what JSON.stringify gives for the same objects, without building
// an object per point first: a 24 h series at 1m step has 1,440 of them, and on the request path of a query that
// PostgreSQL answers in about a millisecond, allocating and stringifying them is most of the work. A structured
// series' points are {"timestamp", "value"} objects made of its buckets and values.
export function structuredJson(result: StructuredResult): string {
  const iso = new IsoTimeFormatter();
  let json =
    `{"metric_name":${JSON.stringify(result.metric_name)},"start_time":${JSON.stringify(result.start_time)}` +
    `,"end_time":${JSON.stringify(result.end_time)},"step":${JSON.stringify(result.step)}` +
    `,"aggregation":${JSON.stringify(result.aggregation)},"series":[`;
  result.series.forEach((series, i) => {
    json += `${i === 0 ? '' : ','}{"labels":${JSON.stringify(series.labels)},"points":[`;
    const { bucketsMs, values } = series;
    for (let k = 0; k < bucketsMs.length; k++) {
      // ISO timestamps have nothing to escape; a non-finite value is null, as JSON.stringify writes it.
      const value = values[k];
      json += `${k === 0 ? '' : ','}{"timestamp":"${iso.format(bucketsMs[k])}","value":${Number.isFinite(value) ? String(value) : 'null'}}`;
    }
    json += ']}';
  });
  return `${json}]}`;
}

// {"status":"success","data":...} of the Prometheus API; sample values are already Prometheus' strings.
export function promSuccessJson(data: PromData): string {
  let json = `{"status":"success","data":{"resultType":"${data.resultType}","result":`;
  switch (data.resultType) {
    case 'scalar':
      return `${json}${JSON.stringify(data.result)}}}`;
    case 'vector':
      return `${json}${JSON.stringify(data.result)}}}`;
    case 'matrix':
      json += '[';
      data.result.forEach((series, i) => {
        json += `${i === 0 ? '' : ','}{"metric":${JSON.stringify(series.metric)},"values":[`;
        const values = series.values;
        for (let k = 0; k < values.length; k++) {
          // A value is formatPromValue's text: digits, '.', 'e', signs, NaN or Inf, nothing to escape.
          json += `${k === 0 ? '' : ','}[${values[k][0]},"${values[k][1]}"]`;
        }
        json += ']}';
      });
      return `${json}]}}`;
  }
}
