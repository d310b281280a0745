import type { Labels } from '../query.types.js';

// Grouping by a list of label names, shared by PromQL's `by` and the structured query's group_by: a series' group
// is the values of those labels it has; a label it lacks stays absent (never the empty string).

// The labels of `names` that `labels` has.
export function pickLabels(names: readonly string[], labels: Labels): Labels {
  return Object.fromEntries(names.filter((name) => name in labels).map((name) => [name, labels[name]]));
}

// A string equal for two label sets exactly when pickLabels gives them equal groups, without building the group.
export function pickedKey(names: readonly string[], labels: Labels): string {
  return JSON.stringify(names.map((name) => (name in labels ? labels[name] : null)));
}
