#!/usr/bin/env bash
# The Grafana dashboards in deploy/grafana:
# - the committed files are exactly what tools/deploy/grafana-dashboards.mjs generates;
# - every dashboard is valid JSON with a unique uid and title, the `governance` tag, a `datasource`
#   variable of type prometheus, unique panel ids, panels inside the 24-column grid and not
#   overlapping; every panel and every target uses ${datasource}; every target has an expr;
# - there is a dashboard per track whose queries all select that track, the overview has its
#   multi-value `track` variable, the cockpit its `street` variable and a row per track;
# - there is exactly one cockpit-<id>.json per cockpit of data/digital.json and none for a
#   cockpit no longer declared: every query confined to its region (street="<streetId>" for a
#   street's cockpit, street="all" for the district's and the departments'), a row per selected
#   track whose queries select that track, every explicitly selected indicator in a query of
#   its row and no other indicator named there;
# - every query uses only metrics registered in the sources (common/, services/) with labels
#   they carry (or the scrape target's track/instance/job), and only defined variables or
#   $__rate_interval / $__interval;
# - every expr parses: written (variables substituted) as recording rules, `promtool check rules`;
# - `kubectl kustomize deploy/grafana` renders one ConfigMap per dashboard, labelled
#   grafana_dashboard: "1", holding that dashboard.
# Args: source dir, build dir. Needs node, promtool and kubectl (>= 1.27, for kustomize).
set -Eeuo pipefail
# shellcheck source=tests/checks/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_init "grafana"
src="$1"
dir="$src/deploy/grafana"
generator="$src/tools/deploy/grafana-dashboards.mjs"

fail() { check_fail "FAIL: $*"; }

command -v node >/dev/null || fail "node is missing (scripts/bootstrap.sh installs Node/npm)"
command -v promtool >/dev/null || fail "promtool is missing (scripts/bootstrap.sh installs prometheus)"
command -v kubectl >/dev/null ||
  fail "kubectl is missing: kubectl >= 1.27 (for 'kubectl kustomize') is a prerequisite of the deploy checks"
[ -f "$generator" ] || fail "no $generator"
[ -d "$dir" ] || fail "no $dir"
[ -d "$src/node_modules/yaml" ] || fail "npm package yaml missing in $src/node_modules (run scripts/bootstrap.sh)"

work="$(mktemp -d)"
check_on_exit 'rm -rf "$work"'

# --- the committed files are the generator's output --------------------------------------------
node "$generator" "$work/gen" >/dev/null || fail "the generator failed: node $generator"
mapfile -t generated < <(cd "$work/gen" && ls)
[ "${#generated[@]}" -ge 3 ] || fail "the generator wrote only: ${generated[*]}"
stale=0
for f in "${generated[@]}"; do
  if [ ! -f "$dir/$f" ]; then
    printf 'grafana: deploy/grafana/%s is missing\n' "$f" >&2
    stale=1
  elif ! cmp -s "$work/gen/$f" "$dir/$f"; then
    printf 'grafana: deploy/grafana/%s differs from the generated one:\n' "$f" >&2
    diff -u "$dir/$f" "$work/gen/$f" | head -n 40 >&2 || true
    stale=1
  fi
done
for f in "$dir"/*.json "$dir"/*.yaml "$dir"/*.yml; do
  [ -f "$f" ] || continue
  [ -f "$work/gen/$(basename "$f")" ] || {
    printf 'grafana: deploy/grafana/%s is not generated (remove it or add it to the generator)\n' \
      "$(basename "$f")" >&2
    stale=1
  }
done
[ "$stale" -eq 0 ] || fail "deploy/grafana is out of date: run 'node tools/deploy/grafana-dashboards.mjs'"

# --- structure, metrics, labels, variables; writes every expr as a recording rule ---------------
node --input-type=module - "$dir" "$src" "$generator" "$work/rules.json" >"$work/summary" <<'EOF' ||
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const [dir, src, generator, rulesOut] = process.argv.slice(2);
const errors = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);

// Metric families registered in the sources, with their kind.
function sourceFamilies() {
  const families = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.cc') && !e.name.endsWith('_test.cc')) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/Build(Counter|Gauge|Histogram|Summary)\(\)\s*\.Name\("([^"]+)"\)/g)) {
          families.set(m[2], m[1]);
        }
      }
    }
  };
  for (const d of ['common', 'services']) if (fs.existsSync(path.join(src, d))) walk(path.join(src, d));
  return families;
}

// The labels of each family (README "Metrics"); the scrape adds the target labels.
const GRPC = ['grpc_service', 'grpc_method', 'grpc_type'];
const LABELS = {
  grpc_server_started_total: GRPC,
  grpc_server_handled_total: [...GRPC, 'grpc_code'],
  grpc_server_handling_seconds: GRPC,
  governance_store_query_seconds: ['op'],
  governance_store_pool_connections: ['state'],
  governance_store_retries_total: ['reason'],
  governance_store_write_queue: [],
  governance_store_write_group_size: [],
  governance_cache_requests_total: ['result'],
  governance_cache_circuit_open: [],
  governance_cases: ['track', 'kind', 'status', 'street'],
  governance_cases_opened_total: ['track', 'kind', 'street'],
  governance_sla_breaches_total: ['track', 'kind', 'street'],
  governance_indicator_value: ['track', 'indicator', 'street'],
  governance_indicator_target: ['track', 'indicator', 'street', 'source'],
  governance_indicator_attainment: ['track', 'indicator', 'street'],
  governance_monitoring_readings_total: ['track', 'feed', 'outcome'],
};
const TARGET_LABELS = ['track', 'instance', 'job'];
const BUILTIN_VARIABLES = { __rate_interval: '1m', __interval: '1m' };
const SAMPLE = { track: 'mediation', street: 'all' };

const families = sourceFamilies();
if (families.size < 5) err(src, `found only ${families.size} metric families in common/ and services/`);
const known = new Map([['up', []]]);
for (const [name, labels] of Object.entries(LABELS)) {
  if (!families.has(name)) {
    err('grafana.sh', `metric ${name} is not registered in the sources any more`);
    continue;
  }
  known.set(name, labels);
  if (families.get(name) === 'Histogram') {
    known.set(`${name}_bucket`, [...labels, 'le']);
    known.set(`${name}_count`, labels);
    known.set(`${name}_sum`, labels);
  }
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
// Selectors (metric and label matchers) and grouping labels of a PromQL expression.
function analyse(expr) {
  const selectors = [];
  const grouping = [];
  let s = expr.replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^{}]*)\}/g, (_, name, body) => {
    const labels = [];
    let rest = body.replace(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g,
      (__, label) => { labels.push(label); return ''; });
    if (rest.replace(/[\s,]/g, '') !== '') selectors.push({ name, labels, bad: body });
    else selectors.push({ name, labels });
    return ' ';
  });
  s = s.replace(/"(?:[^"\\]|\\.)*"/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)/g, (_, __, list) => {
    grouping.push(...list.split(',').map((l) => l.trim()).filter(Boolean));
    return ' ';
  });
  s = s.replace(/\[[^\]]*\]/g, ' ');
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = s.slice(m.index + m[0].length).trimStart();
    const before = s.slice(0, m.index);
    if (after.startsWith('(') || KEYWORDS.has(m[0]) || /[0-9.]$/.test(before)) continue;
    if (/\b(group_left|group_right|by|without|on|ignoring)$/.test(m[0])) continue;
    selectors.push({ name: m[0], labels: [] });
  }
  return { selectors, grouping };
}

const { TRACKS } = await import(pathToFileURL(generator).href);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const uids = new Map();
const titles = new Map();
const groups = [];
let panelCount = 0;
let exprCount = 0;
const dashboards = {};

for (const file of files) {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  if (Buffer.byteLength(text) >= 262144) {
    err(file, 'is 256 KiB or more: too big for the last-applied annotation of kubectl apply');
  }
  let d;
  try {
    d = JSON.parse(text);
  } catch (e) {
    err(file, `invalid JSON: ${e.message}`);
    continue;
  }
  dashboards[file] = d;
  if (typeof d.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(d.uid)) err(file, `bad uid ${d.uid}`);
  if (uids.has(d.uid)) err(file, `uid ${d.uid} also in ${uids.get(d.uid)}`);
  uids.set(d.uid, file);
  if (!d.title || titles.has(d.title)) err(file, `missing or repeated title "${d.title}"`);
  titles.set(d.title, file);
  if (!(d.schemaVersion >= 36)) err(file, `schemaVersion ${d.schemaVersion} is too old`);
  if (!Array.isArray(d.tags) || !d.tags.includes('governance')) err(file, 'lacks the tag governance');

  const vars = d.templating?.list ?? [];
  const names = new Set(vars.map((v) => v.name));
  const ds = vars.find((v) => v.name === 'datasource');
  if (!ds || ds.type !== 'datasource' || ds.query !== 'prometheus') {
    err(file, 'lacks the variable datasource of type datasource, query prometheus');
  }
  for (const v of vars) {
    if (v.type === 'query' && v.datasource?.uid !== '${datasource}') {
      err(file, `variable ${v.name} does not query \${datasource}`);
    }
    if (v.type === 'query') {
      const q = typeof v.query === 'string' ? v.query : v.query?.query;
      const lv = /^label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(q ?? '');
      if (!lv) err(file, `variable ${v.name}: query "${q}" is not label_values(metric, label)`);
      else if (!known.has(lv[1])) err(file, `variable ${v.name}: unknown metric ${lv[1]}`);
      else if (![...known.get(lv[1]), ...TARGET_LABELS].includes(lv[2])) {
        err(file, `variable ${v.name}: ${lv[1]} has no label ${lv[2]}`);
      }
    }
  }

  // Panels, rows' nested panels included.
  const panels = [];
  for (const p of d.panels ?? []) {
    panels.push(p);
    for (const q of p.panels ?? []) panels.push(q);
  }
  if (panels.filter((p) => p.type !== 'row').length < 3) err(file, 'has fewer than 3 panels');
  const ids = new Set();
  const cells = new Map();
  const rules = [];
  for (const p of panels) {
    const where = `${file} panel ${p.id} "${p.title}"`;
    panelCount++;
    if (!Number.isInteger(p.id) || ids.has(p.id)) err(where, 'missing or repeated panel id');
    ids.add(p.id);
    if (p.datasource?.uid !== '${datasource}' || p.datasource?.type !== 'prometheus') {
      err(where, 'datasource is not {type: prometheus, uid: ${datasource}}');
    }
    const g = p.gridPos ?? {};
    if (![g.x, g.y, g.w, g.h].every(Number.isInteger) || g.x < 0 || g.w < 1 || g.x + g.w > 24) {
      err(where, `bad gridPos ${JSON.stringify(g)}`);
    } else if (!(p.type === 'row' && p.collapsed)) {
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          if (cells.has(`${x},${y}`)) err(where, `overlaps panel ${cells.get(`${x},${y}`)}`);
          cells.set(`${x},${y}`, p.id);
        }
      }
    }
    if (p.type === 'row') continue;
    if (!Array.isArray(p.targets) || p.targets.length === 0) {
      err(where, 'has no targets');
      continue;
    }
    const refIds = new Set();
    for (const t of p.targets) {
      const tw = `${where} target ${t.refId}`;
      if (!t.refId || refIds.has(t.refId)) err(tw, 'missing or repeated refId');
      refIds.add(t.refId);
      if (t.datasource?.uid !== '${datasource}') err(tw, 'datasource is not ${datasource}');
      if (typeof t.expr !== 'string' || t.expr.trim() === '') {
        err(tw, 'has no expr');
        continue;
      }
      exprCount++;
      let expr = t.expr;
      const used = new Set();
      for (const m of t.expr.matchAll(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g)) {
        const v = m[1];
        if (used.has(m[0])) continue;
        used.add(m[0]);
        if (v in BUILTIN_VARIABLES) expr = expr.split(m[0]).join(BUILTIN_VARIABLES[v]);
        else if (names.has(v) && v !== 'datasource') expr = expr.split(m[0]).join(SAMPLE[v] ?? 'x');
        else err(tw, `uses ${m[0]}, which is neither a variable of the dashboard nor $__rate_interval/$__interval`);
      }
      const { selectors, grouping } = analyse(expr);
      const present = new Set(TARGET_LABELS);
      for (const s of selectors) {
        if (s.bad !== undefined) err(tw, `cannot read the matchers {${s.bad}}`);
        if (!s.name) {
          err(tw, 'a selector without a metric name');
          continue;
        }
        if (!known.has(s.name)) {
          err(tw, `unknown metric ${s.name} (not registered in common/ or services/)`);
          continue;
        }
        for (const l of known.get(s.name)) present.add(l);
        for (const l of s.labels) {
          if (!known.get(s.name).includes(l) && !TARGET_LABELS.includes(l)) {
            err(tw, `${s.name} has no label ${l}`);
          }
        }
      }
      if (!selectors.some((s) => s.name && known.has(s.name))) err(tw, 'selects no known metric');
      for (const l of grouping) {
        if (!present.has(l) && !(l === 'state' && /label_replace\(/.test(expr))) {
          err(tw, `groups by ${l}, a label none of its metrics has`);
        }
      }
      rules.push({ record: `grafana_check:${d.uid.replace(/-/g, '_')}:panel_${p.id}_${t.refId}`, expr });
    }
  }
  groups.push({ name: file, rules });
}

// Structure the suite needs: overview, one dashboard per track, the cockpit.
const exprsOf = (d, pred = () => true) => (d?.panels ?? []).filter(pred)
  .flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
const overview = dashboards['governance-overview.json'];
if (!overview) err(dir, 'no governance-overview.json');
else {
  const v = overview.templating.list.find((x) => x.name === 'track');
  if (!v || !v.multi) err('governance-overview.json', 'lacks the multi-value variable track');
  for (const e of exprsOf(overview)) {
    if (!e.includes('track=~"$track"')) err('governance-overview.json', `expr does not select track=~"$track": ${e}`);
  }
}
for (const track of TRACKS) {
  const f = `governance-${track}.json`;
  if (!dashboards[f]) {
    err(dir, `no ${f} for the track ${track}`);
    continue;
  }
  for (const e of exprsOf(dashboards[f])) {
    if (!e.includes(`track="${track}"`)) err(f, `expr does not select track="${track}": ${e}`);
  }
}
const cockpit = dashboards['governance-cockpit.json'];
if (!cockpit) err(dir, 'no governance-cockpit.json');
else {
  const v = cockpit.templating.list.find((x) => x.name === 'street');
  if (!v) err('governance-cockpit.json', 'lacks the variable street');
  else if (v.current?.value !== 'all') err('governance-cockpit.json', 'street does not default to all (the district)');
  for (const e of exprsOf(cockpit)) {
    if (!e.includes('street="$street"')) err('governance-cockpit.json', `expr ignores $street: ${e}`);
  }
  const rows = cockpit.panels.filter((p) => p.type === 'row').map((p) => p.title);
  for (const track of TRACKS) {
    if (!rows.some((r) => r.split(' ')[0] === track)) err('governance-cockpit.json', `no row for ${track}`);
    const n = exprsOf(cockpit, (p) => p.type !== 'row').filter((e) => e.includes(`track="${track}"`)).length;
    if (n < 3) err('governance-cockpit.json', `only ${n} queries for ${track}`);
  }
}

// One dashboard per cockpit of data/digital.json (read here, not through the generator), and
// none for a cockpit no longer declared: its region fixed, a row per selected track whose queries
// select that track, the selected indicators by name (or, for a whole track, none by name).
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
const matchersOf = (expr, label) => [...expr.matchAll(/\{([^{}]*)\}/g)]
  .flatMap((m) => [...m[1].matchAll(MATCHER)]).filter((m) => m[1] === label)
  .map((m) => ({ op: m[2], value: m[3] }));
const KINDS = { COCKPIT_KIND_DISTRICT: 'district', COCKPIT_KIND_STREET: 'street',
  COCKPIT_KIND_DEPARTMENT: 'department' };
let cockpits = [];
try {
  cockpits = JSON.parse(fs.readFileSync(path.join(src, 'data', 'digital.json'), 'utf8')).cockpits ?? [];
} catch (e) {
  err('data/digital.json', `cannot be read: ${e.message}`);
}
const declared = new Set(cockpits.map((c) => `cockpit-${c.id}.json`));
for (const f of files) {
  if (f.startsWith('cockpit-') && !declared.has(f)) {
    err(f, 'is the dashboard of a cockpit data/digital.json does not declare');
  }
}
for (const c of cockpits) {
  const f = `cockpit-${c.id}.json`;
  const d = dashboards[f];
  if (!d) {
    err(dir, `no ${f} for the cockpit ${c.id} of data/digital.json`);
    continue;
  }
  if (d.uid !== `cockpit-${c.id}`) err(f, `uid ${d.uid}, expected cockpit-${c.id}`);
  if (!d.title.includes(c.nameZh) || !d.title.includes(c.nameEn)) {
    err(f, `title "${d.title}" lacks the names ${c.nameZh} and ${c.nameEn}`);
  }
  if (!KINDS[c.kind] || !d.tags.includes('cockpit') || !d.tags.includes(KINDS[c.kind])) {
    err(f, `tags ${d.tags.join(', ')}, expected cockpit and the kind of ${c.kind}`);
  }
  const extra = d.templating.list.filter((v) => v.name !== 'datasource').map((v) => v.name);
  if (extra.length) err(f, `has variables ${extra.join(', ')}: a cockpit's region is fixed`);
  const street = c.kind === 'COCKPIT_KIND_STREET' ? c.streetId : 'all';
  // The panels under each row, by the row's track (its title's first word).
  const rows = new Map();
  let current = null;
  for (const p of d.panels) {
    if (p.type === 'row') {
      current = p.title.split(' ')[0];
      if (rows.has(current)) err(f, `two rows for ${current}`);
      rows.set(current, []);
    } else if (current === null) {
      err(f, `panel ${p.id} "${p.title}" is above the first row`);
    } else {
      rows.get(current).push(p);
    }
  }
  const selected = new Set();
  for (const { track, indicatorIds = [] } of c.selections ?? []) {
    selected.add(track);
    const panels = rows.get(track);
    if (!panels) {
      err(f, `no row for the selected track ${track}`);
      continue;
    }
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
    if (exprs.length === 0) err(f, `the row of ${track} has no queries`);
    for (const e of exprs) {
      const where = `${f} row ${track}: ${e}`;
      for (const s of analyse(e).selectors) {
        for (const label of ['track', 'street']) {
          if (!s.labels.includes(label)) err(where, `a selector of ${s.name} without ${label}`);
        }
      }
      for (const m of matchersOf(e, 'street')) {
        if (m.op !== '=' || m.value !== street) {
          err(where, `street${m.op}"${m.value}": the cockpit's region is street="${street}"`);
        }
      }
      for (const m of matchersOf(e, 'track')) {
        if (m.op !== '=' || m.value !== track) err(where, `track${m.op}"${m.value}" in the row of ${track}`);
      }
      const named = matchersOf(e, 'indicator');
      if (indicatorIds.length === 0 && named.length) {
        err(where, 'selects indicators by name in the row of a whole-track selection');
      }
      for (const m of named) {
        if (m.op !== '=' || !indicatorIds.includes(m.value)) {
          err(where, `indicator${m.op}"${m.value}" is not one of the selected ${indicatorIds.join(', ')}`);
        }
      }
      if (indicatorIds.length && named.length === 0) {
        err(where, 'selects no indicator by name in the row of selected indicators');
      }
    }
    for (const id of indicatorIds) {
      if (!exprs.some((e) => matchersOf(e, 'indicator').some((m) => m.value === id))) {
        err(f, `the selected indicator ${track}/${id} is in no query`);
      }
    }
  }
  for (const track of rows.keys()) {
    if (!selected.has(track)) err(f, `a row for ${track}, which the cockpit does not select`);
  }
}

const expected = TRACKS.length + 2 + cockpits.length;
if (files.length !== expected) err(dir, `${files.length} dashboards, expected ${expected}`);

if (errors.length) {
  for (const e of errors) console.error(`grafana: ${e}`);
  process.exit(1);
}
fs.writeFileSync(rulesOut, JSON.stringify({ groups }, null, 1));
console.log(`${files.length} dashboards, ${panelCount} panels, ${exprCount} queries`);
EOF
  fail "the dashboards have the faults listed above"

# --- every expr parses --------------------------------------------------------------------------
if ! promtool check rules "$work/rules.json" >"$work/promtool.out" 2>&1; then
  cat "$work/promtool.out" >&2
  fail "an expr does not parse (rule grafana_check:<dashboard>:panel_<id>_<refId> above)"
fi

# --- the sidecar ConfigMaps ---------------------------------------------------------------------
if command -v yamllint >/dev/null; then
  (cd "$src" && yamllint -s deploy/grafana/kustomization.yaml) >&2 ||
    fail "yamllint deploy/grafana/kustomization.yaml"
fi
kubectl kustomize "$dir" >"$work/rendered.yaml" 2>"$work/kustomize.err" || {
  cat "$work/kustomize.err" >&2
  fail "kubectl kustomize deploy/grafana failed"
}
NODE_PATH="$src/node_modules" node - "$dir" "$work/rendered.yaml" <<'EOF' ||
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const [dir, rendered] = process.argv.slice(2);
const docs = YAML.parseAllDocuments(fs.readFileSync(rendered, 'utf8')).map((d) => d.toJS());
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const errors = [];
const seen = new Set();
for (const o of docs) {
  const name = o?.metadata?.name;
  if (o?.kind !== 'ConfigMap') errors.push(`rendered a ${o?.kind} ${name}, expected ConfigMaps only`);
  if (o?.metadata?.labels?.grafana_dashboard !== '1') errors.push(`${name} lacks the label grafana_dashboard: "1"`);
  const keys = Object.keys(o?.data ?? {});
  if (keys.length !== 1 || !files.includes(keys[0])) {
    errors.push(`${name} holds ${keys.join(', ')}, expected one dashboard file`);
    continue;
  }
  if (seen.has(keys[0])) errors.push(`${keys[0]} is in two ConfigMaps`);
  seen.add(keys[0]);
  const want = JSON.parse(fs.readFileSync(path.join(dir, keys[0]), 'utf8'));
  if (JSON.stringify(JSON.parse(o.data[keys[0]])) !== JSON.stringify(want)) {
    errors.push(`${name}: its ${keys[0]} differs from deploy/grafana/${keys[0]}`);
  }
}
for (const f of files) if (!seen.has(f)) errors.push(`no ConfigMap holds ${f}`);
if (errors.length) {
  for (const e of errors) console.error(`grafana: ${e}`);
  process.exit(1);
}
EOF
  fail "the rendered ConfigMaps have the faults listed above"

echo "grafana: ok ($(cat "$work/summary"); all parse with promtool; $(grep -c '^kind: ConfigMap' "$work/rendered.yaml") ConfigMaps)"
