#!/usr/bin/env node
// Generates the suite's Grafana dashboards (dashboard-model JSON) and the kustomization that
// wraps them as sidecar ConfigMaps, all from the definitions below:
//
//   governance-overview.json   RED per track and per method, up, cache, store latency
//   governance-<track>.json    one per track: its RPCs, store, cache and case counters
//   governance-cockpit.json    indicators against targets per track, for the district or a street
//   cockpit-<id>.json          one per cockpit declared in data/digital.json (`cockpits`): its
//                              region fixed, a row per selected track, its selected indicators
//   kustomization.yaml         one ConfigMap per dashboard, label grafana_dashboard: "1"
//
// Usage: node tools/deploy/grafana-dashboards.mjs [OUT_DIR]   (default: deploy/grafana)
//
// The output is deterministic (panel ids in layout order, object keys sorted), so the committed
// files can be compared with a fresh run (tests/checks/grafana.sh does). The tracks and their
// Chinese names come from data/tracks.json, the cockpits from data/digital.json (the
// declarations governance.digital.v1.DigitalService serves) and whether an indicator has a
// target from data/targets.json: a new track or cockpit needs nothing here.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRACKS as LISTED } from './tracks.mjs';

const DATA = fileURLToPath(new URL('../../data/', import.meta.url));
const DIGITAL_FILE = path.join(DATA, 'digital.json');
const TARGETS_FILE = path.join(DATA, 'targets.json');
const REGIONS_FILE = path.join(DATA, 'regions.json');

// The names of the tracks, in the order of data/tracks.json.
export const TRACKS = LISTED.map((t) => t.name);
const TRACK_NAMES = Object.fromEntries(LISTED.map((t) => [t.name, t.nameZh]));
// Monitoring feeds a track takes in (`governance_monitoring_readings_total{feed}`).
const TRACK_FEEDS = {
  disorder: [{ feed: 'fume', title: 'Fume monitoring (油烟在线监测)' }],
};
const TAG = 'governance';
const SCHEMA_VERSION = 39;
const GENERATOR = 'tools/deploy/grafana-dashboards.mjs';
// Codes that mean the server failed (the others are the caller's doing: bad arguments, missing
// permission, not found, a lost optimistic-concurrency race, ...).
const SERVER_ERROR_CODES = 'UNKNOWN|DEADLINE_EXCEEDED|UNIMPLEMENTED|INTERNAL|UNAVAILABLE|' +
  'DATA_LOSS|RESOURCE_EXHAUSTED';
const RATE = '$__rate_interval';

const DS = { type: 'prometheus', uid: '${datasource}' };

function trackTitle(track) {
  return TRACK_NAMES[track] ? `${track} (${TRACK_NAMES[track]})` : track;
}

// --- PromQL helpers -----------------------------------------------------------------------------

function sel(metric, matchers) {
  return matchers ? `${metric}{${matchers}}` : metric;
}
function rate(metric, matchers) {
  return `rate(${sel(metric, matchers)}[${RATE}])`;
}
function sumBy(labels, expr) {
  return labels.length ? `sum by (${labels.join(', ')}) (${expr})` : `sum(${expr})`;
}
function maxBy(labels, expr) {
  return labels.length ? `max by (${labels.join(', ')}) (${expr})` : `max(${expr})`;
}
function quantile(q, metric, matchers, labels) {
  return `histogram_quantile(${q}, ${sumBy([...labels, 'le'], rate(`${metric}_bucket`, matchers))})`;
}
// A count of events that may not have happened yet (its series appear with the first event):
// 0 instead of no data.
function orZero(expr) {
  return `${expr} or on() vector(0)`;
}

// --- panels -------------------------------------------------------------------------------------

function target(expr, legendFormat, { instant = false, table = false } = {}) {
  const t = { datasource: DS, editorMode: 'code', expr, legendFormat: legendFormat ?? '__auto' };
  if (table) t.format = 'table';
  t.instant = instant;
  t.range = !instant;
  return t;
}

function thresholds(steps) {
  return {
    mode: 'absolute',
    steps: steps.map(([color, value]) => ({ color, value })),
  };
}
const NEUTRAL = thresholds([['blue', null]]);

function timeseries(title, description, targets,
  { unit = 'short', min, max, stack = false, legend = 'table', calcs = ['mean', 'max'],
    steps } = {}) {
  const defaults = {
    color: { mode: 'palette-classic' },
    custom: {
      drawStyle: 'line',
      fillOpacity: stack ? 30 : 10,
      lineWidth: 1,
      showPoints: 'never',
      spanNulls: false,
      stacking: { group: 'A', mode: stack ? 'normal' : 'none' },
    },
    thresholds: steps ? thresholds(steps) : NEUTRAL,
    unit,
  };
  if (steps) defaults.custom.thresholdsStyle = { mode: 'line' };
  if (min !== undefined) defaults.min = min;
  if (max !== undefined) defaults.max = max;
  return {
    type: 'timeseries', title, description, targets,
    fieldConfig: { defaults, overrides: [] },
    options: {
      legend: { calcs: legend === 'table' ? calcs : [], displayMode: legend, placement: 'bottom',
        showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

function stat(title, description, targets,
  { unit = 'short', steps, mappings = [], colorMode = 'value', textMode = 'value_and_name',
    graphMode = 'none', decimals } = {}) {
  const defaults = {
    color: { mode: 'thresholds' },
    mappings,
    thresholds: steps ? thresholds(steps) : NEUTRAL,
    unit,
  };
  if (decimals !== undefined) defaults.decimals = decimals;
  return {
    type: 'stat', title, description, targets,
    fieldConfig: { defaults, overrides: [] },
    options: {
      colorMode, graphMode, justifyMode: 'auto', orientation: 'auto',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      showPercentChange: false, textMode, wideLayout: true,
    },
  };
}

function barGauge(title, description, targets, { unit = 'short', min = 0, max, steps } = {}) {
  const defaults = {
    color: { mode: 'thresholds' },
    min,
    thresholds: steps ? thresholds(steps) : NEUTRAL,
    unit,
  };
  if (max !== undefined) defaults.max = max;
  return {
    type: 'bargauge', title, description, targets,
    fieldConfig: { defaults, overrides: [] },
    options: {
      displayMode: 'gradient', maxVizHeight: 300, minVizHeight: 16, minVizWidth: 8,
      namePlacement: 'auto', orientation: 'horizontal',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      showUnfilled: true, sizing: 'auto', valueMode: 'color',
    },
  };
}

function table(title, description, targets, transformations, { unit = 'short', sortBy } = {}) {
  return {
    type: 'table', title, description, targets, transformations,
    fieldConfig: {
      defaults: { color: { mode: 'thresholds' }, custom: { align: 'auto', filterable: false },
        thresholds: NEUTRAL, unit },
      overrides: [],
    },
    options: {
      cellHeight: 'sm',
      footer: { countRows: false, fields: '', reducer: ['sum'], show: false },
      showHeader: true,
      sortBy: sortBy ? [{ desc: false, displayName: sortBy }] : [],
    },
  };
}

const UP_MAPPINGS = [{
  type: 'value',
  options: { 0: { color: 'red', index: 0, text: 'DOWN' }, 1: { color: 'green', index: 1, text: 'UP' } },
}];
const CIRCUIT_MAPPINGS = [{
  type: 'value',
  options: {
    0: { color: 'green', index: 0, text: 'closed' },
    1: { color: 'red', index: 1, text: 'OPEN' },
  },
}];

// Lays panels out left to right in rows of 24 columns and numbers them in that order.
class Layout {
  constructor() {
    this.panels = [];
    this.x = 0;
    this.y = 0;
    this.lineHeight = 0;
  }
  newLine() {
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
  row(title) {
    this.newLine();
    this.push({ type: 'row', title, collapsed: false, datasource: DS, panels: [] }, 24, 1);
    this.newLine();
  }
  add(panel, w, h) {
    if (this.x + w > 24) this.newLine();
    this.push({ datasource: DS, ...panel }, w, h);
  }
  push(panel, w, h) {
    panel.gridPos = { h, w, x: this.x, y: this.y };
    panel.id = this.panels.length + 1;
    panel.targets?.forEach((t, i) => { t.refId = String.fromCharCode(65 + i); });
    this.panels.push(panel);
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
  }
}

// --- variables and the dashboard frame ----------------------------------------------------------

const DATASOURCE_VARIABLE = {
  current: {}, hide: 0, includeAll: false, label: 'Data source', multi: false,
  name: 'datasource', options: [], query: 'prometheus', refresh: 1, regex: '',
  skipUrlSync: false, type: 'datasource',
};

function queryVariable(name, label, query, { multi = false, includeAll = false, current }) {
  return {
    current: current ?? {}, datasource: DS, definition: query, hide: 0, includeAll, label,
    multi, name, options: [],
    query: { qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2, regex: '', skipUrlSync: false, sort: 1, type: 'query',
  };
}

function dashboard({ uid, title, description, tags, variables = [], layout }) {
  return {
    annotations: {
      list: [{
        builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true,
        hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts',
        type: 'dashboard',
      }],
    },
    description: `${description} Generated by ${GENERATOR}.`,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [{
      asDropdown: true, icon: 'external link', includeVars: false, keepTime: true, tags: [TAG],
      targetBlank: false, title: 'Governance dashboards', tooltip: '', type: 'dashboards', url: '',
    }],
    panels: layout.panels,
    refresh: '30s',
    schemaVersion: SCHEMA_VERSION,
    tags: [TAG, ...tags],
    templating: { list: [DATASOURCE_VARIABLE, ...variables] },
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title,
    uid,
    version: 1,
    weekStart: '',
  };
}

// --- the overview -------------------------------------------------------------------------------

function overview() {
  const m = 'track=~"$track"';
  const handled = 'grpc_server_handled_total';
  const latency = 'grpc_server_handling_seconds';
  const store = 'governance_store_query_seconds';
  const cache = 'governance_cache_requests_total';
  const L = new Layout();

  L.row('Health');
  L.add(stat('Instances up', 'Scrape health of every instance (`up`): UP = its /metrics answered.',
    [target(maxBy(['track', 'instance'], sel('up', m)), '{{track}} {{instance}}', { instant: true })],
    { mappings: UP_MAPPINGS, steps: [['red', null], ['green', 1]], colorMode: 'background',
      textMode: 'value_and_name' }), 12, 5);
  L.add(stat('Cache circuit', 'Redis circuit breaker per instance ' +
    '(`governance_cache_circuit_open`): OPEN = Redis is bypassed and reads go to the store.',
    [target(maxBy(['track', 'instance'], sel('governance_cache_circuit_open', m)),
      '{{track}} {{instance}}', { instant: true })],
    { mappings: CIRCUIT_MAPPINGS, steps: [['green', null], ['red', 1]], colorMode: 'background' }),
    12, 5);

  L.row('RED per track');
  L.add(timeseries('Requests per second', 'Completed RPCs per second by track.',
    [target(sumBy(['track'], rate(handled, m)), '{{track}}')], { unit: 'reqps' }), 8, 8);
  L.add(timeseries('Error ratio by code', 'Share of RPCs that ended with a code other than OK, ' +
    'by track and code. INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, ABORTED etc. are the ' +
    "caller's; see the server-error ratio for the service's own failures.",
    [target(`${sumBy(['track', 'grpc_code'], rate(handled, `${m}, grpc_code!="OK"`))}` +
      ` / on (track) group_left ${sumBy(['track'], rate(handled, m))}`,
    '{{track}} {{grpc_code}}')], { unit: 'percentunit', min: 0, stack: true }), 8, 8);
  L.add(timeseries('Server-error ratio', `Share of RPCs that failed on the server's side ` +
    `(${SERVER_ERROR_CODES.split('|').join(', ')}), by track.`,
    [target(`${sumBy(['track'], rate(handled, `${m}, grpc_code=~"${SERVER_ERROR_CODES}"`))}` +
      ` / ${sumBy(['track'], rate(handled, m))}`, '{{track}}')],
    { unit: 'percentunit', min: 0, steps: [['green', null], ['red', 0.01]] }), 8, 8);
  for (const [q, name] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']]) {
    L.add(timeseries(`Latency ${name}`, `${name} of the server-side handling time of RPCs ` +
      '(`grpc_server_handling_seconds`), by track.',
    [target(quantile(q, latency, m, ['track']), '{{track}}')], { unit: 's', min: 0 }), 8, 8);
  }

  L.row('RED per method');
  L.add(timeseries('Requests per second by method', 'Completed RPCs per second by track and method.',
    [target(sumBy(['track', 'grpc_service', 'grpc_method'], rate(handled, m)),
      '{{track}} {{grpc_method}}')], { unit: 'reqps' }), 12, 9);
  L.add(timeseries('Error ratio by method', 'Share of RPCs of each method that ended with a code ' +
    'other than OK.',
    [target(`${sumBy(['track', 'grpc_service', 'grpc_method'],
      rate(handled, `${m}, grpc_code!="OK"`))} / ` +
      sumBy(['track', 'grpc_service', 'grpc_method'], rate(handled, m)),
    '{{track}} {{grpc_method}}')], { unit: 'percentunit', min: 0 }), 12, 9);
  L.add(timeseries('Latency p95 by method', 'p95 handling time of each method.',
    [target(quantile(0.95, latency, m, ['track', 'grpc_service', 'grpc_method']),
      '{{track}} {{grpc_method}}')], { unit: 's', min: 0 }), 12, 9);
  L.add(timeseries('Latency p99 by method', 'p99 handling time of each method.',
    [target(quantile(0.99, latency, m, ['track', 'grpc_service', 'grpc_method']),
      '{{track}} {{grpc_method}}')], { unit: 's', min: 0 }), 12, 9);

  L.row('Cache and store');
  L.add(timeseries('Cache hit ratio', 'Share of cache requests answered from Redis ' +
    '(hits / all requests, errors included), by track.',
    [target(`${sumBy(['track'], rate(cache, `${m}, result="hit"`))} / ` +
      sumBy(['track'], rate(cache, m)), '{{track}}')],
    { unit: 'percentunit', min: 0, max: 1 }), 8, 8);
  L.add(timeseries('Cache requests by result', 'Cache requests per second by track and result ' +
    '(hit, miss, error = Redis failed and the store answered).',
    [target(sumBy(['track', 'result'], rate(cache, m)), '{{track}} {{result}}')],
    { unit: 'reqps', stack: true }), 8, 8);
  L.add(timeseries('Cache circuit open', '1 while the cache circuit breaker bypasses Redis, ' +
    'per instance.',
    [target(maxBy(['track', 'instance'], sel('governance_cache_circuit_open', m)),
      '{{track}} {{instance}}')], { min: 0, max: 1, legend: 'list' }), 8, 8);
  for (const [q, name] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']]) {
    L.add(timeseries(`Store query latency ${name}`, `${name} of store operations as their callers ` +
      'see them (`governance_store_query_seconds`, every op), by track.',
    [target(quantile(q, store, m, ['track']), '{{track}}')], { unit: 's', min: 0 }), 8, 8);
  }
  L.add(timeseries('Store query latency p95 by op', 'p95 of each store operation, by track.',
    [target(quantile(0.95, store, m, ['track', 'op']), '{{track}} {{op}}')],
    { unit: 's', min: 0 }), 24, 9);

  return dashboard({
    uid: 'governance-overview',
    title: 'Governance · overview',
    description: 'The suite at a glance: rate, errors and duration of every track and method, ' +
      'instance health, cache and store.',
    tags: ['overview'],
    variables: [queryVariable('track', 'Track', 'label_values(grpc_server_handled_total, track)',
      { multi: true, includeAll: true,
        current: { selected: true, text: ['All'], value: ['$__all'] } })],
    layout: L,
  });
}

// --- one dashboard per track --------------------------------------------------------------------

function trackDashboard(track) {
  const m = `track="${track}"`;
  const handled = 'grpc_server_handled_total';
  const latency = 'grpc_server_handling_seconds';
  const store = 'governance_store_query_seconds';
  const cache = 'governance_cache_requests_total';
  const cases = `governance_cases{${m}}`;
  const L = new Layout();

  L.row('RPCs');
  L.add(stat('Instances up', `Scrape health of every ${track} instance.`,
    [target(maxBy(['instance'], sel('up', m)), '{{instance}}', { instant: true })],
    { mappings: UP_MAPPINGS, steps: [['red', null], ['green', 1]], colorMode: 'background' }),
  6, 8);
  L.add(timeseries('Requests per second by method', 'Completed RPCs per second by method.',
    [target(sumBy(['grpc_service', 'grpc_method'], rate(handled, m)), '{{grpc_method}}')],
    { unit: 'reqps' }), 9, 8);
  L.add(timeseries('Errors per second by method and code', 'RPCs per second that ended with a ' +
    'code other than OK.',
    [target(sumBy(['grpc_method', 'grpc_code'], rate(handled, `${m}, grpc_code!="OK"`)),
      '{{grpc_method}} {{grpc_code}}')], { unit: 'reqps', stack: true }), 9, 8);
  L.add(timeseries('Error ratio by method', 'Share of RPCs of each method that ended with a ' +
    'code other than OK.',
    [target(`${sumBy(['grpc_service', 'grpc_method'], rate(handled, `${m}, grpc_code!="OK"`))} / ` +
      sumBy(['grpc_service', 'grpc_method'], rate(handled, m)), '{{grpc_method}}')],
    { unit: 'percentunit', min: 0 }), 8, 8);
  L.add(timeseries('Latency p50 / p95 / p99', 'Handling time of all RPCs of the track.',
    [0.5, 0.95, 0.99].map((q) => target(quantile(q, latency, m, []), `p${Math.round(q * 100)}`)),
    { unit: 's', min: 0 }), 8, 8);
  L.add(timeseries('Latency p95 by method', 'p95 handling time of each method.',
    [target(quantile(0.95, latency, m, ['grpc_service', 'grpc_method']), '{{grpc_method}}')],
    { unit: 's', min: 0 }), 8, 8);
  L.add(timeseries('RPCs in flight', 'Started minus completed RPCs, per instance.',
    [target(`${sumBy(['instance'], sel('grpc_server_started_total', m))} - ` +
      sumBy(['instance'], sel(handled, m)), '{{instance}}')], { min: 0, legend: 'list' }), 24, 6);

  L.row('Store');
  L.add(timeseries('Store operations per second by op', 'Store operations per second ' +
    '(`governance_store_query_seconds_count`), by op.',
    [target(sumBy(['op'], rate(`${store}_count`, m)), '{{op}}')], { unit: 'ops' }), 8, 8);
  L.add(timeseries('Store latency p95 by op', 'p95 of each store operation as its caller sees ' +
    'it (writes include waiting for their commit).',
    [target(quantile(0.95, store, m, ['op']), '{{op}}')], { unit: 's', min: 0 }), 8, 8);
  L.add(timeseries('Store latency p50 / p95 / p99', 'Latency of all store operations.',
    [0.5, 0.95, 0.99].map((q) => target(quantile(q, store, m, []), `p${Math.round(q * 100)}`)),
    { unit: 's', min: 0 }), 8, 8);
  L.add(timeseries('Store connections / write queue', 'On PostgreSQL: the connection pool of ' +
    'each instance by state (idle, busy; `governance_store_pool_connections`). On SQLite, which ' +
    'has no pool: the writes waiting for the writer thread (`governance_store_write_queue`).',
    [target(`${sumBy(['instance', 'state'], sel('governance_store_pool_connections', m))}` +
      ' or on () label_replace(' +
      `${sumBy(['instance'], sel('governance_store_write_queue', m))}, ` +
      '"state", "sqlite write queue", "", "")', '{{instance}} {{state}}')],
    { min: 0, stack: false }), 12, 8);
  L.add(timeseries('PostgreSQL retries per second by reason', 'Store operations attempted ' +
    'again (`governance_store_retries_total`: serialization, deadlock, unique, connection). ' +
    'PostgreSQL only; 0 on SQLite and while nothing was retried.',
    [target(orZero(sumBy(['reason'], rate('governance_store_retries_total', m))), '{{reason}}')],
    { unit: 'ops', min: 0 }), 12, 8);

  L.row('Cache');
  L.add(timeseries('Cache requests by result', 'Cache requests per second by result (hit, miss, ' +
    'error = Redis failed and the store answered).',
    [target(sumBy(['result'], rate(cache, m)), '{{result}}')], { unit: 'reqps', stack: true }),
  10, 8);
  L.add(timeseries('Cache hit ratio', 'Hits / all cache requests (errors included).',
    [target(`${sumBy([], rate(cache, `${m}, result="hit"`))} / ${sumBy([], rate(cache, m))}`,
      'hit ratio')], { unit: 'percentunit', min: 0, max: 1, legend: 'list' }), 8, 8);
  L.add(stat('Cache circuit', 'Redis circuit breaker per instance: OPEN = Redis is bypassed.',
    [target(maxBy(['instance'], sel('governance_cache_circuit_open', m)), '{{instance}}',
      { instant: true })],
    { mappings: CIRCUIT_MAPPINGS, steps: [['green', null], ['red', 1]], colorMode: 'background' }),
  6, 8);

  L.row('Cases');
  // Every replica exports the same governance_cases totals: max across replicas, then sum.
  const dedup = maxBy(['kind', 'status', 'street'], cases);
  L.add(barGauge('Cases by status', 'All cases of the track by kind (a track may keep several, ' +
    'e.g. policing: incident, linkage_task, key_area) and current status ' +
    '(`governance_cases`, the same on every replica: max across replicas).',
    [target(sumBy(['kind', 'status'], dedup), '{{kind}} {{status}}', { instant: true })]), 8, 9);
  L.add(barGauge('Cases by street', 'All cases of the track by street.',
    [target(sumBy(['street'], dedup), '{{street}}', { instant: true })]), 8, 9);
  L.add(stat('SLA breaches, last 24 h', 'Cases whose SLA clock ran out in their current state ' +
    'during the last 24 hours (`governance_sla_breaches_total`).',
    [target(orZero(`sum(increase(${sel('governance_sla_breaches_total', m)}[24h]))`), 'breaches',
      { instant: true })],
    { steps: [['green', null], ['orange', 1]], textMode: 'value', decimals: 0 }), 8, 9);
  L.add(timeseries('Cases opened per hour by street', 'New cases (`governance_cases_opened_total`, ' +
    'summed over the replicas that opened them), as an hourly rate.',
    [target(orZero(`3600 * ${sumBy(['street'], rate('governance_cases_opened_total', m))}`),
      '{{street}}')], { min: 0, stack: true }), 12, 8);
  L.add(timeseries('SLA breaches per hour by street', 'Cases whose SLA clock ran out ' +
    '(`governance_sla_breaches_total`), as an hourly rate.',
    [target(orZero(`3600 * ${sumBy(['street'], rate('governance_sla_breaches_total', m))}`),
      '{{street}}')], { min: 0, stack: true }), 12, 8);
  L.add(timeseries('Cases by status over time', 'All cases of the track by kind and current ' +
    'status.',
    [target(sumBy(['kind', 'status'], dedup), '{{kind}} {{status}}')], { stack: true }), 12, 8);
  L.add(table('Cases by street and status', 'All cases of the track: a row per street, a column ' +
    'per status.',
    [target(dedup, '', { instant: true, table: true })],
    [{ id: 'groupingToMatrix',
      options: { columnField: 'status', rowField: 'street', valueField: 'Value' } }]), 12, 8);

  for (const { feed, title } of TRACK_FEEDS[track] ?? []) {
    const readings = `${m}, feed="${feed}"`;
    L.row(title);
    L.add(timeseries('Readings per hour by outcome', `Readings of the ${feed} feed ` +
      '(`governance_monitoring_readings_total`, summed over the replicas that took them) by ' +
      'outcome: normal, over_limit (in an episode already raised), episode_started (a complaint ' +
      'raised), stale (not after the last reading taken), refused.',
      [target(orZero(`3600 * ${sumBy(['outcome'],
        rate('governance_monitoring_readings_total', readings))}`), '{{outcome}}')],
      { min: 0, stack: true }), 16, 8);
    L.add(stat('Episodes started, last 24 h', 'Episodes over the limit that raised a complaint ' +
      'during the last 24 hours.',
      [target(orZero(`sum(increase(${sel('governance_monitoring_readings_total',
        `${readings}, outcome="episode_started"`)}[24h]))`), 'episodes', { instant: true })],
      { steps: [['green', null], ['orange', 1]], textMode: 'value', decimals: 0 }), 8, 8);
  }

  return dashboard({
    uid: `governance-${track}`,
    title: `Governance · ${trackTitle(track)}`,
    description: `The ${track} track: its RPCs, store, cache and cases.`,
    tags: ['track', track],
    layout: L,
  });
}

// --- the cockpits -------------------------------------------------------------------------------

const VALUE = 'governance_indicator_value';
const GOAL = 'governance_indicator_target';
const ATTAINMENT = 'governance_indicator_attainment';
const UNITS = 'Counts, or rates and year-on-year changes in basis points (10000 = 100 %).';
// The street label of the whole district's indicator series (common/indicators RefreshGauges).
const DISTRICT = 'all';
// The engine's colours of an indicator (common/indicators GradeValue), on its attainment in
// percent: green when the target is met (100 % or more), yellow from 90 % (at risk,
// IndicatorSpec.at_risk_from), red below.
const ATTAINMENT_STEPS = [['red', null], ['yellow', 90], ['green', 100]];
const ATTAINMENT_TEXT = 'How far the target is met this month: 100 % is met exactly, more is ' +
  'better, whether the indicator counts up or down (the engine\'s attainment, capped at 200 %). ' +
  'Green: met; yellow: 90 % or more (at risk); red: below, as the engine colours it.';

// Every replica exports the same indicator gauges: max across replicas.
function indicatorTable(title, description, by, matchers) {
  const v = maxBy(by, sel(VALUE, matchers));
  const t = maxBy(by, sel(GOAL, matchers));
  return table(title, description, [
    target(v, '', { instant: true, table: true }),
    target(t, '', { instant: true, table: true }),
    target(`${v} - ${t}`, '', { instant: true, table: true }),
  ], [
    { id: 'merge', options: {} },
    { id: 'organize',
      options: {
        excludeByName: { Time: true },
        indexByName: {},
        renameByName: { 'Value #A': 'value', 'Value #B': 'target', 'Value #C': 'value − target' },
      } },
  ], { sortBy: by[0] });
}

function gauge(title, description, targets, { unit = 'short', min = 0, max, steps } = {}) {
  const defaults = {
    color: { mode: 'thresholds' },
    min,
    thresholds: steps ? thresholds(steps) : NEUTRAL,
    unit,
  };
  if (max !== undefined) defaults.max = max;
  return {
    type: 'gauge', title, description, targets,
    fieldConfig: { defaults, overrides: [] },
    options: {
      minVizHeight: 75, minVizWidth: 75, orientation: 'auto',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      showThresholdLabels: false, showThresholdMarkers: true, sizing: 'auto',
    },
  };
}

// Every indicator of a track (m: its track and street matchers): a stat per indicator, a bar
// gauge of their attainment and a value / target / gap table.
function trackIndicators(L, track, m) {
  L.add(stat('Indicators', `The ${track} indicators for the current month. ${UNITS}`,
    [target(maxBy(['indicator'], sel(VALUE, m)), '{{indicator}}', { instant: true })],
    { textMode: 'value_and_name' }), 8, 8);
  L.add(barGauge('Attainment', `Each ${track} indicator with a target. ${ATTAINMENT_TEXT}`,
    [target(`${maxBy(['indicator'], sel(ATTAINMENT, m))} / 100`, '{{indicator}}',
      { instant: true })],
    { unit: 'percent', min: 0, max: 200, steps: ATTAINMENT_STEPS }), 8, 8);
  L.add(indicatorTable('Value, target, gap', `Value and target of every ${track} indicator. ` +
    UNITS, ['indicator'], m), 8, 8);
}

function cockpit() {
  const street = 'street="$street"';
  const L = new Layout();

  L.row('All tracks');
  L.add(stat('Indicators reported', 'Indicators with a value this month, per track (an ' +
    'indicator has no value while its inputs are missing).',
    [target(`count by (track) (${maxBy(['track', 'indicator'], sel(VALUE, street))})`, '{{track}}',
      { instant: true })], { textMode: 'value_and_name' }), 24, 4);
  L.add(indicatorTable('Indicators against targets', `Every track's indicators for the current ` +
    `month, for the street chosen above (all = the whole district). ${UNITS}`,
  ['track', 'indicator'], street), 24, 10);
  L.add(table('Where the targets come from', 'Each target is the plan\'s (source = plan: the ' +
    'district\'s governance plan sets it) or the district\'s own choice (source = district: ' +
    'where the plan sets no number). Both are kept in data/targets.json with the plan\'s clause ' +
    'or the district\'s reason; `govctl indicators <track>` prints them.',
  [target(maxBy(['track', 'indicator', 'source'], sel(GOAL, street)), '',
    { instant: true, table: true })],
  [{ id: 'organize',
    options: { excludeByName: { Time: true }, indexByName: {},
      renameByName: { Value: 'target' } } }], { sortBy: 'track' }), 24, 8);

  for (const track of TRACKS) {
    L.row(trackTitle(track));
    trackIndicators(L, track, `track="${track}", ${street}`);
  }

  return dashboard({
    uid: 'governance-cockpit',
    title: 'Governance · cockpit (领导驾驶舱)',
    description: 'Governance indicators against their targets for every track, for the whole ' +
      'district (street = all) or one street.',
    tags: ['cockpit'],
    variables: [queryVariable('street', 'Street (all = district)',
      `label_values(${GOAL}, street)`, { current: { selected: true, text: 'all', value: 'all' } })],
    layout: L,
  });
}

// The kinds of governance.digital.v1.CockpitKind a cockpit may be declared with: the tag of its
// dashboard, and whether it is a street's (region: its street) or the whole district's.
const COCKPIT_KINDS = {
  COCKPIT_KIND_DISTRICT: { tag: 'district', street: false },
  COCKPIT_KIND_STREET: { tag: 'street', street: true },
  COCKPIT_KIND_DEPARTMENT: { tag: 'department', street: false },
};

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot be read: ${e.message}`);
  }
}

// The cockpits of the digital track's rules file (governance.config.v1.DigitalRules.cockpits),
// checked for what the dashboards rely on; throws an Error naming the file and the entry.
//   [{ id, nameZh, nameEn, kind, tag, streetId, street, department,
//      selections: [{ track, indicatorIds }] }, ...] in the file's order
export function loadCockpits(file = DIGITAL_FILE) {
  const fail = (message) => {
    throw new Error(`${file}: ${message} (governance.digital.v1.CockpitDeclaration)`);
  };
  const data = readJson(file);
  const cockpits = data?.cockpits ?? [];
  if (!Array.isArray(cockpits)) fail('cockpits is not an array');
  const streets = new Set((readJson(REGIONS_FILE).streets ?? []).map((s) => s.id));
  const ids = new Set();
  return cockpits.map((c, i) => {
    const where = `cockpits[${i}]`;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) fail(`${where} is not an object`);
    if (typeof c.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(c.id)) {
      fail(`${where}.id "${c.id}" is not 1 to 32 letters, digits, - and _`);
    }
    if (ids.has(c.id)) fail(`${where}.id: the cockpit "${c.id}" is declared twice`);
    ids.add(c.id);
    for (const field of ['nameZh', 'nameEn']) {
      if (typeof c[field] !== 'string' || c[field] === '' || /[\n\r\t]/.test(c[field])) {
        fail(`${where}.${field} is missing, empty or holds a line break or tab`);
      }
    }
    const kind = COCKPIT_KINDS[c.kind];
    if (!kind) {
      fail(`${where}.kind "${c.kind}" is not one of ${Object.keys(COCKPIT_KINDS).join(', ')}`);
    }
    const streetId = c.streetId ?? '';
    if (kind.street && !streets.has(streetId)) {
      fail(`${where}.streetId "${streetId}" is not a street of ${REGIONS_FILE}`);
    }
    if (!kind.street && streetId !== '') fail(`${where}.streetId is set on a ${kind.tag} cockpit`);
    if (!Array.isArray(c.selections) || c.selections.length === 0) {
      fail(`${where}.selections is missing or empty`);
    }
    const tracks = new Set();
    const selections = c.selections.map((s, j) => {
      const at = `${where}.selections[${j}]`;
      if (!TRACKS.includes(s?.track)) {
        fail(`${at}.track "${s?.track}" is not a track of data/tracks.json`);
      }
      if (tracks.has(s.track)) fail(`${at}.track: ${s.track} is selected twice`);
      tracks.add(s.track);
      const indicatorIds = s.indicatorIds ?? [];
      if (!Array.isArray(indicatorIds)) fail(`${at}.indicatorIds is not an array`);
      const seen = new Set();
      for (const id of indicatorIds) {
        if (typeof id !== 'string' || !/^[a-z][a-z0-9_]*$/.test(id)) {
          fail(`${at}.indicatorIds: "${id}" is not an indicator id ` +
            '(lower-case letters, digits and _)');
        }
        if (seen.has(id)) fail(`${at}.indicatorIds: ${id} is listed twice`);
        seen.add(id);
      }
      return { track: s.track, indicatorIds: [...indicatorIds] };
    });
    return {
      id: c.id, nameZh: c.nameZh, nameEn: c.nameEn, kind: c.kind, tag: kind.tag, streetId,
      street: kind.street ? streetId : DISTRICT, department: c.department ?? '', selections,
    };
  });
}

// The targets of data/targets.json by "<track>/<indicator>": every indicator with a target kind
// has exactly one there (common/indicators TargetBook), so one without an entry is watched only.
function loadTargets(file = TARGETS_FILE) {
  const targets = readJson(file).targets;
  if (!Array.isArray(targets)) throw new Error(`${file}: targets is not an array`);
  return new Map(targets.map((t) => [`${t.track}/${t.indicator}`, t]));
}

function cockpitRegion(c) {
  return c.tag === 'street' ? `street ${c.streetId}` : 'the whole district';
}

// One selected indicator (m: its track, indicator and street matchers): its value against its
// target and the gauge of its attainment, or its value alone when it has no target.
function selectedIndicator(L, track, id, m, goal, region) {
  const value = target(maxBy([], sel(VALUE, m)), 'value', { instant: true });
  if (!goal) {
    L.add(stat(id, `The ${track} indicator ${id} for the current month, for ${region}; ` +
      `watched, without a target. ${UNITS}`, [value], { textMode: 'value_and_name' }), 8, 6);
    return;
  }
  const source = goal.source === 'TARGET_SOURCE_PLAN'
    ? `the plan's target (${goal.planClause})` : `the district's target (${goal.reason})`;
  L.add(stat(id, `The ${track} indicator ${id} for the current month, for ${region}, against ` +
    `${source}. ${UNITS}`,
  [value, target(maxBy([], sel(GOAL, m)), 'target', { instant: true })],
  { textMode: 'value_and_name' }), 5, 6);
  L.add(gauge('Attainment', `${id}: ${ATTAINMENT_TEXT}`,
    [target(`${maxBy([], sel(ATTAINMENT, m))} / 100`, id, { instant: true })],
    { unit: 'percent', min: 0, max: 200, steps: ATTAINMENT_STEPS }), 3, 6);
}

function cockpitDashboard(c, goals) {
  const street = `street="${c.street}"`;
  const region = cockpitRegion(c);
  const L = new Layout();
  for (const { track, indicatorIds } of c.selections) {
    L.row(trackTitle(track));
    if (indicatorIds.length === 0) {
      trackIndicators(L, track, `track="${track}", ${street}`);
      continue;
    }
    for (const id of indicatorIds) {
      selectedIndicator(L, track, id, `track="${track}", indicator="${id}", ${street}`,
        goals.get(`${track}/${id}`), region);
    }
  }
  const shown = c.selections.map(({ track, indicatorIds }) => (indicatorIds.length
    ? `${track} (${indicatorIds.join(', ')})` : `${track} (every indicator)`)).join(', ');
  return dashboard({
    uid: `cockpit-${c.id}`,
    title: `Governance · ${c.nameEn} (${c.nameZh})`,
    description: `${c.nameEn} (${c.nameZh}${c.department ? `, of ${c.department}` : ''}): ` +
      `${c.tag === 'street' ? region : `${region} (street = ${DISTRICT})`}; ${shown}, ` +
      'against their targets. Declared in ' +
      `data/digital.json (cockpit ${c.id}), as DigitalService.ListCockpits serves it.`,
    tags: ['cockpit', c.tag],
    layout: L,
  });
}

// --- output -------------------------------------------------------------------------------------

// JSON with object keys sorted at every level, two-space indent, a final newline.
function canonical(value) {
  const sortKeys = (v) => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function kustomization(files) {
  const lines = [
    '---',
    `# Generated by ${GENERATOR}: edit that, then run it.`,
    '# Dashboards as ConfigMaps for the Grafana sidecar (grafana_dashboard: "1").',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'generatorOptions:',
    '  disableNameSuffixHash: true',
    '  labels:',
    '    grafana_dashboard: "1"',
    '    app.kubernetes.io/part-of: governance',
    '  annotations:',
    '    grafana_folder: Governance',
    'configMapGenerator:',
  ];
  for (const file of files) {
    lines.push(`  - name: grafana-dashboard-${path.basename(file, '.json')}`, '    files:',
      `      - ${file}`);
  }
  return `${lines.join('\n')}\n`;
}

export function generate() {
  const goals = loadTargets();
  const dashboards = [overview(), ...TRACKS.map(trackDashboard), cockpit(),
    ...loadCockpits().map((c) => cockpitDashboard(c, goals))];
  const files = {};
  for (const d of dashboards) files[`${d.uid}.json`] = canonical(d);
  files['kustomization.yaml'] = kustomization(Object.keys(files).filter((f) => f.endsWith('.json')));
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = path.resolve(process.argv[2] ?? path.join(repo, 'deploy', 'grafana'));
  fs.mkdirSync(out, { recursive: true });
  const files = generate();
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(out, name), text);
  // A cockpit no longer declared loses its dashboard.
  const gone = fs.readdirSync(out).filter((f) => /^cockpit-.*\.json$/.test(f) && !(f in files));
  for (const f of gone) fs.rmSync(path.join(out, f));
  console.log(`grafana-dashboards: wrote ${Object.keys(files).length} files to ${out}` +
    (gone.length ? `, removed ${gone.join(', ')}` : ''));
}
