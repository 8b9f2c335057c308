#!/usr/bin/env node
// The live check of deploy/prometheus against a real Prometheus server scraping the suite that
// scripts/run.sh runs on this machine (driven by tests/checks/prometheus.sh), and the generator
// of deploy/prometheus/prometheus-local.yml.
//
//   local [--check]
//       Writes deploy/prometheus/prometheus-local.yml: a static target per track of
//       data/tracks.json, on its metrics port. --check writes nothing and exits 1 when the
//       committed file differs from what it would write.
//   config  --out DIR --tracks T,... --local OFFSET --kube OFFSET:REPLICAS
//       Writes DIR/prometheus.yml and DIR/expect.json. Two scrape jobs, both job="governance":
//       - the job of deploy/prometheus/prometheus-local.yml for a suite on ports shifted by the
//         --local offset (its running tracks only), and
//       - the job of deploy/prometheus/prometheus.yml (Kubernetes) for a suite with REPLICAS
//         replicas per track on ports shifted by the --kube offset. Debian's Prometheus is built
//         without Kubernetes service discovery, so its kubernetes_sd_configs (role pod) becomes
//         static targets carrying the labels pod discovery gives (__meta_kubernetes_*): a pod
//         per replica in namespace "governance", plus decoys that the job's relabeling must
//         drop (the grpc port, a Redis pod, a pod of another app, a Pending pod).
//       Intervals 1 s; the rule files of deploy/prometheus/rules, by absolute path.
//   targets --url URL --expect DIR/expect.json [--timeout S]
//       Waits until exactly the expected targets are active and up, with exactly the expected
//       labels, and every decoy is dropped.
//   queries --url URL --expect DIR/expect.json --tracks T,... [--indicators DIR] [--timeout S]
//       Waits until every query returns data, then exits 0; prints every query that does not
//       (with its source) and exits 1 at the timeout. The queries:
//       - the traffic: for each suite and track, OK, NOT_FOUND, INVALID_ARGUMENT and
//         UNAUTHENTICATED calls were counted;
//       - with --indicators, every indicator of each track (DIR/indicators-<track>.json: the
//         track's ListIndicators for the district this month, as `govctl indicators --json`
//         prints it): its district value when the API has one, its district target when the
//         API grades it;
//       - every recording and alert rule of deploy/prometheus/rules, its threshold comparisons
//         removed, each alternative of a top-level `or` on its own (prometheus-promql.mjs);
//       - every target expression of every panel of deploy/grafana/*.json, each alternative of a
//         top-level `or` on its own, with the template variables substituted: track by each
//         running track, a label_values() variable by its values ("all" and one other where
//         "all" is among them, else the first: the variable's own query must return values),
//         other variables by their current value, $__rate_interval and $__interval by 1m,
//         $__range by 1h. Panels about a track that is not running (a literal track matcher
//         that no running track satisfies) are skipped and counted. A query of an indicator
//         named by id (the cockpits' selected indicators: governance_indicator_* with
//         track="T", indicator="ID", street="S") needs --indicators and the track's answer for
//         that region (DIR/indicators-T.json for street "all", DIR/indicators-T-S.json for a
//         street): the indicator must be one the track lists, and the query must return data
//         unless the track itself has none for it (value and attainment: not has_data; target
//         and attainment: no target_kind), which is counted and named.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { alertQueries, dashboardQueries } from './prometheus-promql.mjs';
import { TRACKS } from './tracks.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// The deploy folder (its prometheus/ and grafana/); --deploy DIR points at another one, e.g.
// a copy with a deliberate mistake, to see the check catch it.
let promDir = path.join(repo, 'deploy', 'prometheus');
let grafanaDir = path.join(repo, 'deploy', 'grafana');
const JOB = 'governance';
const KUBE_NAMESPACE = 'governance';
// The fixed ports of the tracks (data/tracks.json), as scripts/run.sh uses them; replica r adds
// 100 * (r - 1).
const BASE_METRICS = Object.fromEntries(TRACKS.map((t) => [t.name, t.metricsPort]));
const BASE_GRPC = Object.fromEntries(TRACKS.map((t) => [t.name, t.grpcPort]));
const BASE_REDIS = 6399;
const TRAFFIC_CODES = ['OK', 'NOT_FOUND', 'INVALID_ARGUMENT', 'UNAUTHENTICATED'];

function die(message) {
  console.error(`prometheus-live: ${message}`);
  process.exit(1);
}

function options(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (!m || i + 1 >= argv.length) die(`bad argument ${argv[i]}`);
    out[m[1]] = argv[++i];
  }
  return out;
}

function tracksOption(value) {
  const tracks = (value ?? '').split(',').filter(Boolean);
  if (tracks.length === 0) die('--tracks is empty');
  for (const t of tracks) if (!BASE_METRICS[t]) die(`unknown track ${t}`);
  return tracks;
}

function governanceJob(config, file) {
  const jobs = (config.scrape_configs ?? []).filter((j) => j.job_name === JOB);
  if (jobs.length !== 1) die(`${file}: expected one scrape job "${JOB}"`);
  return jobs[0];
}

// --- config -------------------------------------------------------------------------------------

function shiftTarget(target, offset) {
  const m = /^127\.0\.0\.1:([0-9]+)$/.exec(target);
  if (!m) die(`prometheus-local.yml: target ${target} is not 127.0.0.1:PORT`);
  return `127.0.0.1:${Number(m[1]) + offset}`;
}

function kubePod(track, name, address, extra = {}) {
  return {
    targets: [address],
    labels: {
      __meta_kubernetes_namespace: KUBE_NAMESPACE,
      __meta_kubernetes_pod_name: name,
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_ready: 'true',
      __meta_kubernetes_pod_container_name: track,
      __meta_kubernetes_pod_container_port_name: 'metrics',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: track,
      __meta_kubernetes_pod_label_app_kubernetes_io_part_of: 'governance',
      __meta_kubernetes_pod_label_track: track,
      ...extra,
    },
  };
}

function config(opts) {
  const out = opts.out ?? die('--out is required');
  const tracks = tracksOption(opts.tracks);
  const localOffset = Number(opts.local);
  const [kubeOffset, replicas] = (opts.kube ?? '').split(':').map(Number);
  if (!Number.isInteger(localOffset) || !Number.isInteger(kubeOffset) ||
      !Number.isInteger(replicas) || replicas < 1) {
    die('--local OFFSET and --kube OFFSET:REPLICAS are required');
  }

  const localFile = path.join(promDir, 'prometheus-local.yml');
  const kubeFile = path.join(promDir, 'prometheus.yml');
  const local = YAML.parse(fs.readFileSync(localFile, 'utf8'));
  const kube = YAML.parse(fs.readFileSync(kubeFile, 'utf8'));
  const expect = { active: [], dropped: [], suites: [] };

  // The local job: its static targets of the running tracks, shifted.
  const localJob = structuredClone(governanceJob(local, 'prometheus-local.yml'));
  const listed = new Set();
  localJob.static_configs = (localJob.static_configs ?? []).flatMap((sc) => {
    const track = sc.labels?.track;
    if (!track) die('prometheus-local.yml: a static_config without a track label');
    listed.add(track);
    if (!tracks.includes(track)) return [];
    const targets = sc.targets.map((t) => shiftTarget(t, localOffset));
    for (const t of targets) expect.active.push({ job: JOB, instance: t, track });
    return [{ ...sc, targets }];
  });
  for (const t of Object.keys(BASE_METRICS)) {
    if (!listed.has(t)) die(`prometheus-local.yml: no target for track ${t}`);
  }
  expect.suites.push({ namespace: '' });

  // The Kubernetes job: pod discovery simulated by static targets with its meta labels.
  const kubeJob = structuredClone(governanceJob(kube, 'prometheus.yml'));
  const sd = kubeJob.kubernetes_sd_configs ?? [];
  if (sd.length !== 1 || sd[0].role !== 'pod') {
    die('prometheus.yml: the simulation knows one kubernetes_sd_configs entry of role pod');
  }
  delete kubeJob.kubernetes_sd_configs;
  kubeJob.job_name = `${JOB}-kubernetes`;
  kubeJob.relabel_configs = [...(kubeJob.relabel_configs ?? []),
    { target_label: 'job', replacement: JOB }];
  const pods = [];
  for (const track of tracks) {
    for (let r = 1; r <= replicas; r++) {
      const name = `${track}-5d8f9c7b6-r${r}`;
      const address = `127.0.0.1:${BASE_METRICS[track] + kubeOffset + 100 * (r - 1)}`;
      pods.push(kubePod(track, name, address));
      expect.active.push({ job: JOB, instance: address, track, namespace: KUBE_NAMESPACE,
        pod: name });
    }
    const first = `127.0.0.1:${BASE_METRICS[track] + kubeOffset}`;
    const decoys = [
      kubePod(track, `${track}-5d8f9c7b6-r1`, `127.0.0.1:${BASE_GRPC[track] + kubeOffset}`,
        { __meta_kubernetes_pod_container_port_name: 'grpc' }),
      kubePod(track, `${track}-5d8f9c7b6-pending`, first,
        { __meta_kubernetes_pod_phase: 'Pending', __meta_kubernetes_pod_ready: 'false' }),
      kubePod(track, `other-app-${track}`, first,
        { __meta_kubernetes_pod_label_app_kubernetes_io_part_of: 'other-app' }),
    ];
    pods.push(...decoys);
    for (const d of decoys) {
      expect.dropped.push({ address: d.targets[0], pod: d.labels.__meta_kubernetes_pod_name,
        port: d.labels.__meta_kubernetes_pod_container_port_name });
    }
  }
  const redis = kubePod('redis', 'redis-7c6d5b4a3-x1', `127.0.0.1:${BASE_REDIS + kubeOffset}`,
    { __meta_kubernetes_pod_container_port_name: 'redis',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'redis' });
  delete redis.labels.__meta_kubernetes_pod_label_track;
  pods.push(redis);
  expect.dropped.push({ address: redis.targets[0], pod: redis.labels.__meta_kubernetes_pod_name,
    port: 'redis' });
  kubeJob.static_configs = pods;
  expect.suites.push({ namespace: KUBE_NAMESPACE });

  const live = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [path.join(promDir, 'rules', '*.yml')],
    scrape_configs: [localJob, kubeJob],
  };
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'prometheus.yml'), YAML.stringify(live, { lineWidth: 0 }));
  fs.writeFileSync(path.join(out, 'expect.json'), `${JSON.stringify(expect, null, 2)}\n`);
  console.log(`prometheus-live: wrote ${path.join(out, 'prometheus.yml')} (` +
    `${expect.active.length} targets, ${expect.dropped.length} decoys)`);
}

// --- local: deploy/prometheus/prometheus-local.yml ----------------------------------------------

const LOCAL_GENERATOR = 'tools/deploy/prometheus-live.mjs local';

function localText() {
  const lines = [
    '---',
    `# Generated by ${LOCAL_GENERATOR} from data/tracks.json (a`,
    '# target per track): edit the list, run it and commit the output;',
    '# tests/checks/prometheus.sh fails while this file is stale.',
    '#',
    '# Prometheus configuration for the suite as scripts/run.sh runs it on this',
    '# machine (its ports with GOV_PORT_OFFSET=0 and one replica per track):',
    '#',
    '#   prometheus --config.file=deploy/prometheus/prometheus-local.yml \\',
    '#     --storage.tsdb.path=.run/prometheus',
    '#',
    '# then http://127.0.0.1:9090. Tracks that are not built yet show up as',
    '# down. tests/checks/prometheus.sh derives the configuration of its live',
    '# check from this file (tools/deploy/prometheus-live.mjs: shifted ports,',
    '# 1 s intervals). See deploy/prometheus/README.md.',
    'global:',
    '  scrape_interval: 5s',
    '  evaluation_interval: 5s',
    '',
    'rule_files:',
    '  - rules/*.yml',
    '',
    'scrape_configs:',
    `  - job_name: ${JOB}`,
    '    static_configs:',
  ];
  for (const t of TRACKS) {
    lines.push(`      - targets: ["127.0.0.1:${t.metricsPort}"]`, '        labels:',
      `          track: ${t.name}`);
  }
  lines.push(
    '    metric_relabel_configs:',
    '      # The domain metrics carry track themselves; Prometheus keeps the',
    '      # target\'s (same) value and renames theirs to exported_track.',
    '      - regex: exported_track',
    '        action: labeldrop',
  );
  return `${lines.join('\n')}\n`;
}

function local(check) {
  const file = path.join(promDir, 'prometheus-local.yml');
  const want = localText();
  if (check) {
    const have = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    if (have !== want) {
      die(`${path.relative(repo, file)} is not what ${LOCAL_GENERATOR} writes ` +
        `(data/tracks.json changed?): run node ${LOCAL_GENERATOR}`);
    }
    console.log(`prometheus-live: ${path.relative(repo, file)} is current`);
    return;
  }
  fs.writeFileSync(file, want);
  console.log(`prometheus-live: wrote ${path.relative(repo, file)}`);
}

// --- the HTTP API -------------------------------------------------------------------------------

async function api(url, pathAndQuery) {
  const res = await fetch(`${url}${pathAndQuery}`, { signal: AbortSignal.timeout(10000) });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || body.status !== 'success') {
    const err = new Error(body.error ?? `HTTP ${res.status}`);
    err.bad = res.status === 400 || body.errorType === 'bad_data';
    throw err;
  }
  return body.data;
}

async function query(url, q) {
  return api(url, `/api/v1/query?query=${encodeURIComponent(q)}`);
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// --- targets ------------------------------------------------------------------------------------

function sameLabels(a, b) {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

async function targets(opts) {
  const url = opts.url ?? die('--url is required');
  const expect = JSON.parse(fs.readFileSync(opts.expect ?? die('--expect is required'), 'utf8'));
  const deadline = Date.now() + 1000 * Number(opts.timeout ?? 60);
  let problems = [];
  for (;;) {
    problems = [];
    let data;
    try {
      data = await api(url, '/api/v1/targets');
    } catch (e) {
      problems.push(`/api/v1/targets: ${e.message}`);
    }
    if (data) {
      const active = data.activeTargets ?? [];
      for (const want of expect.active) {
        const got = active.find((t) => t.labels.instance === want.instance &&
          (t.labels.namespace ?? '') === (want.namespace ?? ''));
        if (!got) {
          problems.push(`no active target ${JSON.stringify(want)}`);
        } else if (!sameLabels(got.labels, want)) {
          problems.push(`target ${want.instance} has labels ${JSON.stringify(got.labels)}, ` +
            `expected ${JSON.stringify(want)}`);
        } else if (got.health !== 'up') {
          problems.push(`target ${want.instance} is ${got.health}: ${got.lastError}`);
        }
      }
      if (active.length !== expect.active.length) {
        problems.push(`${active.length} active targets, expected ${expect.active.length}: ` +
          active.map((t) => JSON.stringify(t.labels)).join(' '));
      }
      const dropped = data.droppedTargets ?? [];
      for (const d of expect.dropped) {
        const found = dropped.some((t) => t.discoveredLabels.__address__ === d.address &&
          t.discoveredLabels.__meta_kubernetes_pod_name === d.pod &&
          t.discoveredLabels.__meta_kubernetes_pod_container_port_name === d.port);
        if (!found) problems.push(`decoy ${JSON.stringify(d)} was not dropped`);
      }
    }
    if (problems.length === 0) break;
    if (Date.now() > deadline) {
      for (const p of problems) console.error(`prometheus-live: ${p}`);
      die('the scrape targets are not as expected');
    }
    await sleep(500);
  }
  console.log(`prometheus-live: ${expect.active.length} targets up with the expected labels, ` +
    `${expect.dropped.length} decoys dropped`);
}

// --- queries ------------------------------------------------------------------------------------

function ruleQueries() {
  const out = [];
  const dir = path.join(promDir, 'rules');
  for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const doc = YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const group of doc.groups ?? []) {
      for (const rule of group.rules ?? []) {
        const source = `rules/${file}: ${rule.alert ? 'alert' : 'record'} ` +
          `${rule.alert ?? rule.record}`;
        for (const q of alertQueries(rule.expr)) out.push({ source, query: q });
      }
    }
  }
  return out;
}

function panelsOf(dashboard) {
  const out = [];
  const walk = (panels) => {
    for (const p of panels ?? []) {
      out.push(p);
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  for (const row of dashboard.rows ?? []) walk(row.panels);
  return out;
}

function variableQuery(v) {
  return typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
}

// Candidate values of each template variable of a dashboard.
async function variableValues(url, dashboard, tracks, problems, file) {
  const values = {
    __rate_interval: ['1m'], __interval: ['1m'], __range: ['1h'], __range_s: ['3600'],
  };
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type === 'datasource') continue;
    const q = variableQuery(v);
    const lv = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(q);
    if (v.name === 'track') {
      values.track = tracks;
    }
    if (v.type === 'query' && lv) {
      const [, selector, label] = lv;
      let got = [];
      try {
        const data = await query(url, `group by (${label}) (${selector ?? '{__name__=~".+"}'})`);
        got = data.result.map((r) => r.metric[label]).filter((x) => x !== undefined).sort();
      } catch (e) {
        problems.push({ source: `grafana/${file}: variable ${v.name}`, query: q,
          error: e.message });
      }
      if (got.length === 0) {
        problems.push({ source: `grafana/${file}: variable ${v.name}`, query: q,
          error: 'no values' });
      }
      if (v.name !== 'track') {
        values[v.name] = got.includes('all')
          ? ['all', ...got.filter((x) => x !== 'all').slice(0, 1)] : got.slice(0, 1);
      }
    } else if (v.name !== 'track') {
      const cur = v.current?.value;
      const first = Array.isArray(cur) ? cur[0] : cur;
      if (first === undefined || first === '$__all') {
        problems.push({ source: `grafana/${file}: variable ${v.name}`, query: q,
          error: 'cannot pick a value for this variable' });
      } else {
        values[v.name] = [String(first)];
      }
    }
  }
  return values;
}

// Every substitution of the variables the expression uses.
function substitute(expr, values) {
  // ${name}, ${name:format}, $name, [[name]], [[name:format]]
  const ref = new RegExp(['\\$\\{([a-zA-Z0-9_]+)(?::[^}]*)?\\}', '\\$([a-zA-Z0-9_]+)',
    '\\[\\[([a-zA-Z0-9_]+)(?::[^\\]]*)?\\]\\]'].join('|'), 'g');
  const used = [...new Set([...expr.matchAll(ref)].map((m) => m[1] ?? m[2] ?? m[3]))];
  const unknown = used.filter((n) => !values[n]);
  if (unknown.length) return { unknown };
  let results = [{ text: expr, choice: {} }];
  for (const name of used) {
    results = results.flatMap((r) => values[name].map((val) => ({
      text: r.text.replace(ref, (m, a, b, c) => ((a ?? b ?? c) === name ? val : m)),
      choice: { ...r.choice, [name]: val },
    })));
  }
  return { results };
}

// A literal track matcher no running track satisfies: a panel about a track not running.
function aboutOtherTrack(expr, tracks) {
  for (const m of expr.matchAll(/\btrack\s*(=~|=)\s*"([^"]*)"/g)) {
    const [, op, value] = m;
    if (op === '=' && !tracks.includes(value)) return value;
    if (op === '=~' && !tracks.some((t) => new RegExp(`^(?:${value})$`).test(t))) return value;
  }
  return null;
}

async function dashboardQueriesAll(url, tracks, problems, skipped) {
  const out = [];
  if (!fs.existsSync(grafanaDir)) return out;
  const files = fs.readdirSync(grafanaDir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const dashboard = JSON.parse(fs.readFileSync(path.join(grafanaDir, file), 'utf8'));
    const values = await variableValues(url, dashboard, tracks, problems, file);
    for (const panel of panelsOf(dashboard)) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr !== 'string' || !target.expr.trim()) continue;
        const source = `grafana/${file}: panel "${panel.title}" ${target.refId ?? ''}`.trim();
        const sub = substitute(target.expr, values);
        if (sub.unknown) {
          problems.push({ source, query: target.expr,
            error: `unknown template variable ${sub.unknown.join(', ')}` });
          continue;
        }
        for (const { text, choice } of sub.results) {
          const other = aboutOtherTrack(text, tracks);
          if (other !== null) {
            skipped.set(other, (skipped.get(other) ?? 0) + 1);
            continue;
          }
          const label = Object.keys(choice).filter((k) => !k.startsWith('__'))
            .map((k) => `${k}=${choice[k]}`).join(' ');
          let queries;
          try {
            queries = dashboardQueries(text);
          } catch (e) {
            problems.push({ source, query: text, error: e.message });
            continue;
          }
          for (const q of queries) out.push({ source: label ? `${source} (${label})` : source,
            query: q });
        }
      }
    }
  }
  return out;
}

function trafficQueries(expect, tracks) {
  const out = [];
  for (const { namespace } of expect.suites) {
    for (const track of tracks) {
      for (const code of TRAFFIC_CODES) {
        out.push({
          source: `traffic: ${code} calls of ${track}` +
            (namespace ? ` in namespace ${namespace}` : ' (local job)'),
          query: `sum(increase(grpc_server_handled_total{job="${JOB}", track="${track}", ` +
            `namespace="${namespace}", grpc_service=~"governance[.].+", ` +
            `grpc_code="${code}"}[10m])) > 0`,
        });
      }
    }
  }
  return out;
}

// A track's indicators as its API gave them for a region (street "all": the district), from
// the files of --indicators (see the usage above); throws when there is no such file.
function apiIndicators(dir, track, street) {
  if (!dir) throw new Error('no --indicators to compare with');
  const file = path.join(dir, street === 'all' ? `indicators-${track}.json`
    : `indicators-${track}-${street}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')).indicators ?? [];
  } catch (e) {
    throw new Error(`the track's indicators for street ${street}: ${file}: ${e.message}`);
  }
}

const INDICATOR_METRICS = {
  governance_indicator_value: (i) => Boolean(i.has_data),
  governance_indicator_target: (i) => Boolean(i.target_kind) &&
    i.target_kind !== 'TARGET_KIND_UNSPECIFIED',
};
INDICATOR_METRICS.governance_indicator_attainment = (i) =>
  INDICATOR_METRICS.governance_indicator_value(i) &&
  INDICATOR_METRICS.governance_indicator_target(i);

// The indicators a query names by id: [{ metric, track, id, street }] of its selectors of
// governance_indicator_* with indicator="ID" (empty for a query about whole tracks).
function namedIndicators(q) {
  const out = [];
  const matcher = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
  for (const m of q.matchAll(/\b(governance_indicator_[a-z]+)\s*\{([^{}]*)\}/g)) {
    const labels = {};
    for (const l of m[2].matchAll(matcher)) if (l[2] === '=') labels[l[1]] = l[3];
    if (labels.indicator !== undefined) {
      out.push({ metric: m[1], track: labels.track, id: labels.indicator, street: labels.street });
    }
  }
  return out;
}

// Whether a query that names indicators must return data, by the tracks' own answers: null when
// it must; else why not (the track has no value or no target for it in that region). Throws
// when the track's answer is missing or lists no such indicator.
function namedExpectation(dir, named) {
  const reasons = [];
  for (const { metric, track, id, street } of named) {
    if (!track || !street) throw new Error(`indicator ${id} without a literal track and street`);
    const i = apiIndicators(dir, track, street).find((x) => x.id === id);
    if (!i) throw new Error(`the ${track} track lists no indicator ${id} (for street ${street})`);
    const has = INDICATOR_METRICS[metric];
    if (!has) throw new Error(`${metric} is not an indicator gauge`);
    if (!has(i)) {
      reasons.push(`${track}/${id} at street ${street}: ` +
        (i.has_data ? 'no target' : 'no data this month') + ` (${metric})`);
    }
  }
  return reasons.length ? reasons.join('; ') : null;
}

// The district's series of every indicator the tracks' APIs report (see the usage above).
function indicatorQueries(dir, tracks, problems) {
  const out = [];
  if (!dir) return out;
  for (const track of tracks) {
    let indicators;
    try {
      indicators = apiIndicators(dir, track, 'all');
    } catch (e) {
      problems.push({ source: `indicators of ${track}`, query: '', error: e.message });
      continue;
    }
    if (indicators.length === 0) {
      problems.push({ source: `indicators of ${track}`, query: '', error: 'the track lists none' });
    }
    for (const i of indicators) {
      const selector = `{job="${JOB}", track="${track}", indicator="${i.id}", street="all"}`;
      if (i.has_data) {
        out.push({ source: `indicator ${track}/${i.id}: value`,
          query: `governance_indicator_value${selector}` });
      }
      if (i.target_kind && i.target_kind !== 'TARGET_KIND_UNSPECIFIED') {
        out.push({ source: `indicator ${track}/${i.id}: target`,
          query: `governance_indicator_target${selector}` });
      }
    }
  }
  return out;
}

async function queries(opts) {
  const url = opts.url ?? die('--url is required');
  const expect = JSON.parse(fs.readFileSync(opts.expect ?? die('--expect is required'), 'utf8'));
  const tracks = tracksOption(opts.tracks);
  const deadline = Date.now() + 1000 * Number(opts.timeout ?? 90);

  const problems = [];
  const skipped = new Map();
  const traffic = trafficQueries(expect, tracks);
  const indicators = indicatorQueries(opts.indicators, tracks, problems);
  const rules = ruleQueries();
  const dashboards = [];
  // Queries of indicators named by id: as the tracks' answers say (see the usage above).
  const withoutData = [];
  for (const item of await dashboardQueriesAll(url, tracks, problems, skipped)) {
    const named = namedIndicators(item.query);
    let reason = null;
    try {
      reason = named.length ? namedExpectation(opts.indicators, named) : null;
    } catch (e) {
      problems.push({ ...item, error: e.message });
      continue;
    }
    if (reason === null) dashboards.push(item);
    else withoutData.push({ ...item, reason });
  }
  const all = [...traffic, ...indicators, ...rules, ...dashboards];
  if (rules.length === 0) problems.push({ source: 'rules', query: '', error: 'no rule found' });

  // Poll until every query has data; the rules need a few evaluations after the scrapes.
  let pending = all;
  for (;;) {
    const still = [];
    for (const item of pending) {
      try {
        const data = await query(url, item.query);
        if (data.result.length === 0) still.push({ ...item, error: 'no data' });
      } catch (e) {
        // A query Prometheus cannot parse never gets better.
        if (e.bad) problems.push({ ...item, error: e.message });
        else still.push({ ...item, error: e.message });
      }
    }
    pending = still;
    if (pending.length === 0 || Date.now() > deadline) break;
    await sleep(1000);
  }
  problems.push(...pending);

  // The server loaded every rule and evaluates each without error.
  const names = [...new Set(rules.map((r) => r.source.replace(/^.*: (alert|record) /, '')))];
  try {
    const loaded = (await api(url, '/api/v1/rules')).groups.flatMap((g) => g.rules);
    for (const name of names) {
      const got = loaded.filter((r) => r.name === name);
      if (got.length === 0) {
        problems.push({ source: `rule ${name}`, query: '', error: 'not loaded by the server' });
      }
      for (const r of got) {
        if (r.health !== 'ok') {
          problems.push({ source: `rule ${name}`, query: r.query,
            error: `health ${r.health}: ${r.lastError ?? ''}` });
        }
      }
    }
  } catch (e) {
    problems.push({ source: '/api/v1/rules', query: '', error: e.message });
  }

  // And what must not be there: series without a track, or with the domain metrics' own track
  // renamed aside (the scrape configurations drop exported_track).
  const empty = [
    { source: 'scrape: every series carries track', query: `{job="${JOB}", track=""}` },
    { source: 'scrape: no exported_track label', query: '{exported_track!=""}' },
  ];
  for (const item of empty) {
    try {
      const data = await query(url, item.query);
      if (data.result.length > 0) {
        problems.push({ ...item, error: `${data.result.length} series, e.g. ` +
          JSON.stringify(data.result[0].metric) });
      }
    } catch (e) {
      problems.push({ ...item, error: e.message });
    }
  }

  const skippedText = [...skipped].map(([t, n]) => `${n} about ${t}`).join(', ');
  console.log(`prometheus-live: ${all.length} queries: ${traffic.length} about the traffic, ` +
    `${indicators.length} about the indicators, ` +
    `${rules.length} from the rules, ${dashboards.length} from the dashboards` +
    (skippedText ? `; skipped, tracks not running: ${skippedText}` : '') +
    (withoutData.length ? `; ${withoutData.length} of indicators named by id that the ` +
      'tracks have no data or target for' : ''));
  for (const { source, reason } of withoutData) {
    console.log(`prometheus-live:   not expected to return data: ${source}: ${reason}`);
  }
  if (problems.length) {
    for (const p of problems) {
      console.error(`prometheus-live: FAIL ${p.source}: ${p.error}\n` +
        `    ${p.query.replace(/\s+/g, ' ')}`);
    }
    die(`${problems.length} of the queries failed`);
  }
  console.log('prometheus-live: every query returned data, every rule evaluates, no series ' +
    'lacks track');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'local') {
    if (rest.length > 1 || (rest.length === 1 && rest[0] !== '--check')) {
      die('usage: prometheus-live.mjs local [--check]');
    }
    local(rest.length === 1);
    process.exit(0);
  }
  const opts = options(rest);
  if (opts.deploy) {
    promDir = path.resolve(opts.deploy, 'prometheus');
    grafanaDir = path.resolve(opts.deploy, 'grafana');
  }
  const commands = { config, targets, queries };
  if (!commands[command]) {
    die('usage: prometheus-live.mjs local [--check] | ' +
      'config|targets|queries [--option value]...');
  }
  await commands[command](opts);
}
