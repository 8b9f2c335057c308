#!/usr/bin/env node
// Validates rendered Kubernetes manifests (the output of `kubectl kustomize` on
// deploy/k8s/overlays/<overlay>) offline:
//   1. every object against the Kubernetes API schema (npm kubernetes-models; ServiceMonitor and
//      PrometheusRule with @kubernetes-models/prometheus-operator), with unknown fields refused
//      (the schemas alone accept them: a misspelt `readinesProbe` would pass);
//   2. the project's rules (listed at the functions below), common and per overlay, and the
//      consistency of deploy/k8s/generate.mjs with the list of the tracks (data/tracks.json,
//      which the services compile in) and with the image's user.
//
//   node tools/deploy/validate-k8s.mjs dev=RENDERED.yaml prod=RENDERED.yaml
//   node tools/deploy/validate-k8s.mjs --self-test [--verbose] dev=RENDERED.yaml prod=RENDERED.yaml
//
// The first prints the object counts per overlay and exits 1 naming every violation. The second
// also breaks copies of the objects in known ways and exits 1 unless each breakage is caught with
// the expected message (so the rules cannot silently become vacuous).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { TRACKS } from "../../deploy/k8s/generate.mjs";
// The list of the tracks and their ports (the services' KnownTracks() is made from it), which
// generate.mjs must match.
import { loadTracks, TRACKS_FILE } from "./tracks.mjs";

// The image's user (USER in deploy/docker/Dockerfile, which checkImageUser compares).
const TRACK_UID = 10001;
const DOCKERFILE = fileURLToPath(new URL("../../deploy/docker/Dockerfile", import.meta.url));
// Secrets that operators create in prod (deploy/k8s/README.md), with the keys they hold; the prod
// render holds none, so a reference to a key outside these lists names a key that is not there.
const OPERATOR_SECRETS = new Map([
  ["governance-tokens", ["tokens.json", "peer-token"]],
  ["governance-data-keys", ["keys"]],
  ["governance-database", ["url"]],
  ["governance-postgres", ["password"]],
]);
// Besides those, in prod the Secret <track>-tls of every track (components/mtls), which a
// track's Deployment alone may mount as a volume: the kubernetes.io/tls layout that cert-manager
// writes (tls.crt, tls.key, and ca.crt, the CA).
const TLS_SECRET_KEYS = ["tls.crt", "tls.key", "ca.crt"];
const tlsSecretOf = (track) => `${track}-tls`;
// The settings of a track on mutual TLS, all four required (README "Transport security"): the
// port's certificate and key, the CA its clients must chain to, the CA it verifies the other
// tracks with on peer calls (where it presents its own certificate).
const TLS_SETTINGS = ["tls_cert", "tls_key", "tls_client_ca", "tls_ca"];
// Service defaults (common/config/config.cc) where neither a flag nor the environment says.
const DEFAULTS = { drain_seconds: "20", drain_grace_seconds: "0", db_pool: "8" };
const PG_RESERVED_CONNECTIONS = 10;
// The key ring personal data is sealed with at rest (common/store/data_keys.h): a file
// (--data_keys_file, GOV_DATA_KEYS_FILE) of a Secret mounted read-only, one "<key id> <base64 of
// 32 bytes>" an entry (newline or ';'), '#' comments, ids of 1 to 32 of A-Z a-z 0-9 . _ -. The
// ring itself in GOV_DATA_KEYS is for a process outside Kubernetes: in a manifest it would be key
// material in clear text, and beside the file the service refuses to start.
const DATA_KEYS_ENV = "GOV_DATA_KEYS";
const DATA_KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const DATA_KEY_BYTES = 32;

// ---------------------------------------------------------------------------------------------
// Schema validation with unknown-field detection.
// ---------------------------------------------------------------------------------------------

const modelCache = new Map();

async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) {
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const spec =
      group === "monitoring.coreos.com"
        ? `@kubernetes-models/prometheus-operator/${group}/${version}`
        : group === ""
          ? `kubernetes-models/${version}`
          : `kubernetes-models/${group}/${version}`;
    let model = null;
    try {
      model = (await import(spec))[kind] ?? null;
    } catch {
      model = null;
    }
    modelCache.set(key, model);
  }
  return modelCache.get(key);
}

// The compiled schema validators read every property their schema knows and enumerate the keys
// of maps (labels, data, resources...). A Proxy records both; a key of an object that the
// validator inspected without enumerating it and never read is a field the schema lacks.
function recordingProxy(root) {
  const seen = new Map();
  const wrap = (o) => {
    if (o === null || typeof o !== "object") return o;
    if (!seen.has(o)) seen.set(o, { keys: new Set(), enumerated: false });
    const rec = seen.get(o);
    return new Proxy(o, {
      get(t, k, r) {
        if (typeof k === "string") rec.keys.add(k);
        return wrap(Reflect.get(t, k, r));
      },
      has(t, k) {
        if (typeof k === "string") rec.keys.add(k);
        return Reflect.has(t, k);
      },
      ownKeys(t) {
        rec.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
  };
  return { proxy: wrap(root), seen };
}

function unknownFields(o, seen, path, out) {
  if (o === null || typeof o !== "object") return;
  const rec = seen.get(o);
  if (!rec) return; // never inspected: free-form in the schema
  if (Array.isArray(o)) {
    o.forEach((v, i) => unknownFields(v, seen, `${path}[${i}]`, out));
    return;
  }
  for (const k of Object.keys(o)) {
    if (!rec.enumerated && !rec.keys.has(k)) out.push(`${path}.${k}`.replace(/^\./, ""));
    unknownFields(o[k], seen, `${path}.${k}`, out);
  }
}

async function schemaErrors(original) {
  let obj = original;
  if (obj.kind === "Secret" && obj.data) {
    // kustomize wraps base64 at 70 columns; the API server's decoder skips the line breaks.
    obj = {
      ...obj,
      data: Object.fromEntries(
        Object.entries(obj.data).map(([k, v]) => [k, String(v).replace(/[\r\n]/g, "")]),
      ),
    };
  }
  const model = await modelFor(obj.apiVersion, obj.kind);
  if (!model) return [`no schema for apiVersion ${obj.apiVersion} kind ${obj.kind}`];
  const { proxy, seen } = recordingProxy(obj);
  try {
    model.prototype.validate.call(proxy);
  } catch (e) {
    return [`schema: ${e.message}`];
  }
  const unknown = [];
  unknownFields(obj, seen, "", unknown);
  return unknown.map((p) => `schema: unknown field ${p}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers over the rendered objects.
// ---------------------------------------------------------------------------------------------

const id = (o) => `${o.kind}/${o.metadata?.name}`;

function podSpecOf(o) {
  switch (o.kind) {
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return o.spec?.template?.spec;
    case "CronJob":
      return o.spec?.jobTemplate?.spec?.template?.spec;
    case "Pod":
      return o.spec;
    default:
      return undefined;
  }
}

function podLabelsOf(o) {
  return o.kind === "Pod" ? (o.metadata?.labels ?? {}) : (o.spec?.template?.metadata?.labels ?? {});
}

function matches(matchLabels, labels) {
  const entries = Object.entries(matchLabels ?? {});
  return entries.every(([k, v]) => labels?.[k] === v);
}

function selectorMatches(selector, labels) {
  if (!selector) return false;
  if (!matches(selector.matchLabels, labels)) return false;
  for (const e of selector.matchExpressions ?? []) {
    const v = labels?.[e.key];
    if (e.operator === "In" && !e.values.includes(v)) return false;
    if (e.operator === "NotIn" && e.values.includes(v)) return false;
    if (e.operator === "Exists" && v === undefined) return false;
    if (e.operator === "DoesNotExist" && v !== undefined) return false;
  }
  return true;
}

// Expands $(VAR) as the kubelet does, from the container's env (values and metadata.labels /
// metadata.name field references).
function expand(text, container, podLabels, podName) {
  return text.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name) => {
    const e = [...(container.env ?? [])].reverse().find((x) => x.name === name);
    if (!e) return whole;
    if (e.value !== undefined) return e.value;
    const path = e.valueFrom?.fieldRef?.fieldPath ?? "";
    const m = /^metadata\.labels\['([^']+)'\]$/.exec(path);
    if (m && podLabels[m[1]] !== undefined) return podLabels[m[1]];
    if (path === "metadata.name" && podName) return podName;
    return whole;
  });
}

// A service setting as the binary resolves it: the last --name flag, else env GOV_NAME (env
// entries over envFrom sources, later over earlier), else undefined.
// Returns { source, value?, valueFrom? }.
function setting(ctx, container, podLabels, name) {
  const args = container.args ?? [];
  let found;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === `--${name}` && i + 1 < args.length) found = { source: `--${name}`, value: args[++i] };
    else if (a.startsWith(`--${name}=`))
      found = { source: `--${name}`, value: a.slice(name.length + 3) };
  }
  const env = `GOV_${name.toUpperCase()}`;
  if (!found) {
    const e = [...(container.env ?? [])].reverse().find((x) => x.name === env);
    if (e) found = { source: `env ${env}`, value: e.value, valueFrom: e.valueFrom };
  }
  if (!found) {
    for (const src of [...(container.envFrom ?? [])].reverse()) {
      const prefix = src.prefix ?? "";
      if (!env.startsWith(prefix)) continue;
      const key = env.slice(prefix.length);
      if (src.configMapRef) {
        const cm = ctx.find("ConfigMap", src.configMapRef.name);
        if (cm?.data?.[key] !== undefined) {
          found = { source: `ConfigMap ${src.configMapRef.name} ${key}`, value: cm.data[key] };
          break;
        }
      }
      if (src.secretRef) {
        const s = ctx.find("Secret", src.secretRef.name);
        if (s && (s.data?.[key] !== undefined || s.stringData?.[key] !== undefined)) {
          found = {
            source: `Secret ${src.secretRef.name} ${key}`,
            valueFrom: { secretRef: src.secretRef },
          };
          break;
        }
      }
    }
  }
  if (found?.value !== undefined) found.value = expand(found.value, container, podLabels);
  return found;
}

function mountFor(container, path) {
  let best;
  for (const m of container.volumeMounts ?? []) {
    const dir = m.mountPath.replace(/\/+$/, "");
    if (
      (path === dir || path.startsWith(dir + "/")) &&
      (!best || dir.length > best.mountPath.length)
    ) {
      best = m;
    }
  }
  return best;
}

class Context {
  constructor(overlay, objects) {
    this.overlay = overlay;
    this.objects = objects;
    this.errors = [];
  }
  of(kind) {
    return this.objects.filter((o) => o.kind === kind);
  }
  find(kind, name) {
    return this.objects.find((o) => o.kind === kind && o.metadata?.name === name);
  }
  error(where, message) {
    this.errors.push(`${this.overlay}: ${where}: ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Rules for every workload's containers.
// ---------------------------------------------------------------------------------------------

// Every container: requests and limits (cpu, memory), readiness and liveness probes, non-root,
// read-only root file system, no privilege escalation, capabilities dropped (ALL), a seccomp
// profile; its ConfigMaps, Secrets and volumes exist with the keys it names (prod: the Secrets
// operators create are not rendered, but the keys named must be among theirs; a track's own
// <track>-tls only as a volume of that track's Deployment); no data key ring (GOV_DATA_KEYS) as
// a literal env value or in a ConfigMap.
function checkWorkloads(ctx) {
  for (const o of ctx.objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const where = id(o);
    const psc = pod.securityContext ?? {};
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC)
      ctx.error(where, "uses the host's namespaces");
    const sa = pod.serviceAccountName
      ? ctx.find("ServiceAccount", pod.serviceAccountName)
      : undefined;
    if (pod.serviceAccountName && !sa)
      ctx.error(where, `ServiceAccount ${pod.serviceAccountName} is not rendered`);
    if (pod.automountServiceAccountToken !== false && sa?.automountServiceAccountToken !== false) {
      ctx.error(
        where,
        "mounts a service account token (automountServiceAccountToken is not false)",
      );
    }
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const v of pod.volumes ?? []) {
      if (v.configMap) {
        const keys = v.configMap.items?.map((i) => i.key);
        checkRef(ctx, where, "ConfigMap", v.configMap.name, v.configMap.optional, keys);
      }
      if (v.secret) {
        const name = v.secret.secretName;
        const keys = v.secret.items?.map((i) => i.key);
        const op = operatorKeys(ctx, o, name, true);
        checkRef(ctx, where, "Secret", name, v.secret.optional, keys, op);
      }
      if (v.persistentVolumeClaim) {
        const claim = v.persistentVolumeClaim.claimName;
        if (!ctx.find("PersistentVolumeClaim", claim))
          ctx.error(where, `PersistentVolumeClaim ${claim} is not rendered`);
      }
    }
    const claimTemplates = new Set(
      (o.spec?.volumeClaimTemplates ?? []).map((c) => c.metadata?.name),
    );
    const all = [
      ...(pod.initContainers ?? []).map((c) => [c, true]),
      ...(pod.containers ?? []).map((c) => [c, false]),
    ];
    for (const [c, init] of all) {
      const cw = `${where} container ${c.name}`;
      const sc = c.securityContext ?? {};
      const r = c.resources ?? {};
      for (const kind of ["requests", "limits"]) {
        for (const res of ["cpu", "memory"]) {
          if (r[kind]?.[res] === undefined) ctx.error(cw, `no resources.${kind}.${res}`);
        }
      }
      if (!init) {
        if (!c.readinessProbe) ctx.error(cw, "no readinessProbe");
        if (!c.livenessProbe) ctx.error(cw, "no livenessProbe");
      }
      const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
      const uid = sc.runAsUser ?? psc.runAsUser;
      if (nonRoot !== true) ctx.error(cw, "not non-root (runAsNonRoot is not true)");
      if (uid === 0) ctx.error(cw, "not non-root (runAsUser 0)");
      if (sc.readOnlyRootFilesystem !== true) ctx.error(cw, "readOnlyRootFilesystem is not true");
      if (sc.allowPrivilegeEscalation !== false)
        ctx.error(cw, "allowPrivilegeEscalation is not false");
      if (sc.privileged === true) ctx.error(cw, "privileged");
      if (!(sc.capabilities?.drop ?? []).includes("ALL"))
        ctx.error(cw, "capabilities are not dropped (drop: [ALL])");
      if ((sc.capabilities?.add ?? []).length > 0) ctx.error(cw, "adds capabilities");
      const seccomp = (sc.seccompProfile ?? psc.seccompProfile)?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
        ctx.error(cw, "no seccompProfile RuntimeDefault");
      if (!/[:@]/.test((c.image ?? "").replace(/^[^/]*:\d+\//, ""))) {
        ctx.error(cw, `image "${c.image}" has no tag or digest (an overlay's images: must map it)`);
      }
      for (const src of c.envFrom ?? []) {
        if (src.configMapRef)
          checkRef(ctx, cw, "ConfigMap", src.configMapRef.name, src.configMapRef.optional);
        if (src.secretRef) {
          const name = src.secretRef.name;
          const op = operatorKeys(ctx, o, name, false);
          checkRef(ctx, cw, "Secret", name, src.secretRef.optional, undefined, op);
        }
      }
      for (const e of c.env ?? []) {
        const cmk = e.valueFrom?.configMapKeyRef;
        const sk = e.valueFrom?.secretKeyRef;
        if (e.name === DATA_KEYS_ENV && e.value !== undefined) {
          ctx.error(
            cw,
            `env ${DATA_KEYS_ENV} is a literal value: key material in the manifest ` +
              "(the ring is a file of a Secret, GOV_DATA_KEYS_FILE)",
          );
        }
        if (e.name === DATA_KEYS_ENV && cmk) {
          ctx.error(
            cw,
            `env ${DATA_KEYS_ENV} is from ConfigMap ${cmk.name}: key material in a ConfigMap ` +
              "(the ring is a file of a Secret, GOV_DATA_KEYS_FILE)",
          );
        }
        if (cmk) checkRef(ctx, cw, "ConfigMap", cmk.name, cmk.optional, [cmk.key]);
        if (sk) {
          const op = operatorKeys(ctx, o, sk.name, false);
          checkRef(ctx, cw, "Secret", sk.name, sk.optional, [sk.key], op);
        }
      }
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name) && !claimTemplates.has(m.name))
          ctx.error(cw, `mounts unknown volume ${m.name}`);
      }
    }
  }
  // A ConfigMap holding the ring: envFrom would put it in a container's environment, and it is
  // key material in clear text either way.
  for (const cm of ctx.of("ConfigMap")) {
    if (cm.data?.[DATA_KEYS_ENV] !== undefined || cm.binaryData?.[DATA_KEYS_ENV] !== undefined)
      ctx.error(id(cm), `holds key material (${DATA_KEYS_ENV}): the ring belongs in a Secret`);
  }
}

// The keys of an unrendered Secret that operators create and that workload `o` may use (as a
// volume when viaVolume), or undefined: in prod the OPERATOR_SECRETS, and a track Deployment's
// own <track>-tls mounted as a volume.
function operatorKeys(ctx, o, name, viaVolume) {
  if (ctx.overlay !== "prod") return undefined;
  if (OPERATOR_SECRETS.has(name)) return OPERATOR_SECRETS.get(name);
  const track = o.kind === "Deployment" && TRACKS.find((t) => t.name === o.metadata?.name);
  if (track && viaVolume && name === tlsSecretOf(track.name)) return TLS_SECRET_KEYS;
  return undefined;
}

// A ConfigMap or Secret exists with the keys referenced; one that operators create (opKeys: its
// keys) need not be rendered, but the keys referenced must be among those it holds.
function checkRef(ctx, where, kind, name, optional, keys, opKeys) {
  const obj = ctx.find(kind, name);
  if (!obj) {
    if (kind === "Secret" && opKeys) {
      for (const key of keys ?? []) {
        if (!opKeys.includes(key)) {
          ctx.error(
            where,
            `${kind} ${name} (created by operators) has no key ${key} ` +
              `(its keys: ${opKeys.join(", ")})`,
          );
        }
      }
      return;
    }
    if (!optional) ctx.error(where, `${kind} ${name} is not rendered`);
    return;
  }
  for (const key of keys ?? []) {
    if (obj.data?.[key] === undefined && obj.stringData?.[key] === undefined)
      ctx.error(where, `${kind} ${name} has no key ${key}`);
  }
}

// Every Service selects pods of a rendered workload.
function checkServices(ctx) {
  const podLabels = ctx.objects.filter((o) => podSpecOf(o)).map(podLabelsOf);
  for (const s of ctx.of("Service")) {
    const sel = s.spec?.selector;
    if (!sel || !podLabels.some((l) => matches(sel, l)))
      ctx.error(id(s), "selects no rendered pods");
  }
}

// ---------------------------------------------------------------------------------------------
// Rules for the seven tracks.
// ---------------------------------------------------------------------------------------------

function number(v) {
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
}

// Per track: a Deployment (labels name/part-of/track, its ServiceAccount with no token, the
// /usr/local/bin/<track> command, gRPC startup/readiness/liveness probes on the grpc port, or on
// the --health_listen port (a declared container port bound to 0.0.0.0), and never on a grpc port
// that serves TLS (the kubelet's gRPC probe is plaintext, with no client certificate), UID 10001,
// a writable /tmp, listen and metrics settings matching the ports, token and data files inside
// the mounted Secret and ConfigMap, the data key ring a file of a Secret mounted read-only, on
// TLS all four TLS settings as files of the track's own Secret <track>-tls mounted as a
// directory, a grace period longer than the drain), a Service with ports grpc and metrics, a
// NetworkPolicy admitting only named sources to the pods; the health port in no Service and
// admitted by no NetworkPolicy; once one track serves TLS, every track is on TLS (the others'
// peer calls would be plaintext).
function checkTracks(ctx) {
  const tlsByTrack = new Map();
  for (const t of TRACKS) {
    const d = ctx.find("Deployment", t.name);
    if (!d) {
      ctx.error(`track ${t.name}`, "no Deployment");
      continue;
    }
    const where = id(d);
    const pod = d.spec?.template?.spec ?? {};
    const labels = podLabelsOf(d);
    const want = {
      "app.kubernetes.io/name": t.name,
      "app.kubernetes.io/part-of": "governance",
      track: t.name,
    };
    for (const [k, v] of Object.entries(want)) {
      if (labels[k] !== v) ctx.error(where, `pod label ${k} is not ${v}`);
      if (k !== "track" && d.metadata?.labels?.[k] !== v)
        ctx.error(where, `label ${k} is not ${v}`);
    }
    if (!matches(d.spec?.selector?.matchLabels, labels))
      ctx.error(where, "selector does not match the pod labels");
    if (pod.serviceAccountName !== t.name) ctx.error(where, `serviceAccountName is not ${t.name}`);
    const sa = ctx.find("ServiceAccount", t.name);
    if (!sa) ctx.error(`track ${t.name}`, "no ServiceAccount");
    else if (sa.automountServiceAccountToken !== false)
      ctx.error(id(sa), "automountServiceAccountToken is not false");
    if (!(pod.topologySpreadConstraints?.length > 0 || pod.affinity?.podAntiAffinity)) {
      ctx.error(where, "no topology spread or pod anti-affinity across nodes");
    }

    const c = (pod.containers ?? []).find((x) => x.name === t.name) ?? (pod.containers ?? [])[0];
    if (!c) {
      ctx.error(where, "no container");
      continue;
    }
    const cw = `${where} container ${c.name}`;
    if ((c.command ?? [])[0] !== `/usr/local/bin/${t.name}`)
      ctx.error(cw, `command is not /usr/local/bin/${t.name}`);
    const ports = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
    for (const name of ["grpc", "metrics"])
      if (!ports.has(name)) ctx.error(cw, `no container port named ${name}`);
    const tls = tlsOf(ctx, c, labels);
    tlsByTrack.set(t.name, tls);
    const health = healthListenOf(ctx, c, labels);
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      const p = c[probe];
      if (!p) {
        if (probe === "startupProbe") ctx.error(cw, "no startupProbe");
        continue;
      }
      if (!p.grpc) ctx.error(cw, `${probe} is not a gRPC probe`);
      else if (p.grpc.port === ports.get("grpc")) {
        if (tls.tls_cert) {
          ctx.error(
            cw,
            `${probe} probes the grpc port, which serves ` +
              `${tls.tls_client_ca ? "mutual TLS" : "TLS"}: ` +
              "the kubelet's gRPC probe connects in plaintext with no client certificate " +
              "(probe the --health_listen port)",
          );
        }
      } else if (!health || p.grpc.port !== health.port) {
        ctx.error(
          cw,
          `${probe} probes port ${p.grpc.port}, neither the grpc port nor the --health_listen ` +
            `port (${health ? health.value : "not set"})`,
        );
      } else if (!/^(0\.0\.0\.0|\[::\])$/.test(health.host)) {
        ctx.error(
          cw,
          `${probe} probes --health_listen ${health.value}, which the kubelet cannot reach at ` +
            "the pod's address (bind 0.0.0.0)",
        );
      }
    }
    const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
    if (uid !== TRACK_UID) ctx.error(cw, `runAsUser is not ${TRACK_UID} (the image's user)`);
    const tmp = mountFor(c, "/tmp");
    const tmpVol = (pod.volumes ?? []).find((v) => v.name === tmp?.name);
    if (!tmp || tmp.mountPath !== "/tmp" || !tmpVol?.emptyDir) ctx.error(cw, "no emptyDir at /tmp");

    const get = (name) => setting(ctx, c, labels, name);
    const listen = get("listen")?.value ?? "";
    if (
      !/^(0\.0\.0\.0|\[::\]):\d+$/.test(listen) ||
      number(listen.split(":").pop()) !== ports.get("grpc")
    ) {
      ctx.error(cw, `listen "${listen}" is not 0.0.0.0 on the grpc port`);
    }
    if (number(get("metrics_port")?.value) !== ports.get("metrics"))
      ctx.error(cw, "metrics_port is not the metrics port");
    if (get("metrics_bind")?.value !== "0.0.0.0") ctx.error(cw, "metrics_bind is not 0.0.0.0");

    const grace = number(get("drain_grace_seconds")?.value ?? DEFAULTS.drain_grace_seconds);
    const drain = number(get("drain_seconds")?.value ?? DEFAULTS.drain_seconds);
    const period = pod.terminationGracePeriodSeconds ?? 30;
    if (!(period > grace + drain)) {
      ctx.error(
        where,
        `terminationGracePeriodSeconds ${period} is not longer than drain grace ${grace} s + drain ${drain} s`,
      );
    }

    checkFileIn(ctx, cw, d, c, pod, get("tokens_file")?.value, "Secret", "tokens");
    checkFileIn(ctx, cw, d, c, pod, get("regions_file")?.value, "ConfigMap", "data");
    checkFileIn(ctx, cw, d, c, pod, get("holidays_file")?.value, "ConfigMap", "data");
    checkDataKeys(ctx, cw, d, c, pod, get);
    checkTls(ctx, cw, d, c, pod, t, tls);
    const cm = (c.envFrom ?? [])
      .map((s) => s.configMapRef && ctx.find("ConfigMap", s.configMapRef.name))
      .find(Boolean);
    if (!cm) ctx.error(cw, "no ConfigMap of settings (envFrom)");
    else {
      for (const key of Object.keys(cm.data ?? {})) {
        if (!key.startsWith("GOV_")) ctx.error(id(cm), `key ${key} is not a GOV_ setting`);
      }
      for (const key of Object.keys(cm.data ?? {})) {
        if (key === "GOV_DATABASE_URL" || /PASSWORD|SECRET/.test(key))
          ctx.error(id(cm), `holds a secret setting (${key})`);
      }
    }

    const svc = ctx.find("Service", t.name);
    if (!svc) ctx.error(`track ${t.name}`, "no Service");
    else {
      if (!matches(svc.spec?.selector, labels))
        ctx.error(id(svc), "does not select the Deployment's pods");
      for (const name of ["grpc", "metrics"]) {
        const p = (svc.spec?.ports ?? []).find((x) => x.name === name);
        if (!p) ctx.error(id(svc), `no port named ${name}`);
        else if (p.targetPort !== name && p.targetPort !== ports.get(name)) {
          ctx.error(id(svc), `port ${name} does not target the container's ${name} port`);
        }
      }
    }

    const policies = ctx
      .of("NetworkPolicy")
      .filter(
        (np) =>
          selectorMatches(np.spec?.podSelector, labels) &&
          (np.spec?.policyTypes ?? ["Ingress"]).includes("Ingress"),
      );
    if (policies.length === 0) ctx.error(where, "no NetworkPolicy restricts ingress to its pods");
    for (const np of policies) {
      for (const rule of np.spec?.ingress ?? []) {
        if (!(rule.from?.length > 0)) ctx.error(id(np), "an ingress rule admits every source");
        for (const p of rule.ports ?? []) {
          if (![...ports.keys(), ...ports.values()].includes(p.port))
            ctx.error(id(np), `admits port ${p.port}`);
        }
        if (!(rule.ports?.length > 0)) ctx.error(id(np), "an ingress rule admits every port");
      }
    }
    if (health) checkHealthPort(ctx, cw, c, labels, ports, health, policies);
  }
  // A track that serves TLS refuses plaintext calls: once one does, every track calls it over TLS.
  const serving = TRACKS.filter((t) => tlsByTrack.get(t.name)?.tls_cert).map((t) => t.name);
  if (serving.length > 0) {
    for (const [name, tls] of tlsByTrack) {
      if (!TLS_SETTINGS.some((n) => tls[n])) {
        ctx.error(
          `track ${name}`,
          `no --tls_ca: its peer calls are plaintext, which the tracks serving TLS ` +
            `(${serving.join(", ")}) refuse`,
        );
      }
    }
  }
}

// The TLS settings of a track's container: each a path, or undefined when unset or empty.
function tlsOf(ctx, c, podLabels) {
  return Object.fromEntries(
    TLS_SETTINGS.map((n) => [n, setting(ctx, c, podLabels, n)?.value || undefined]),
  );
}

// --health_listen as { value, host, port }, or undefined when unset or empty.
function healthListenOf(ctx, c, podLabels) {
  const value = setting(ctx, c, podLabels, "health_listen")?.value;
  if (!value) return undefined;
  const m = /^(.*):(\d+)$/.exec(value);
  return { value, host: m?.[1] ?? "", port: m ? Number(m[2]) : NaN };
}

// The data key ring: --data_keys_file names a key of a Secret volume (not a ConfigMap, an
// emptyDir or the image) mounted readOnly, GOV_DATA_KEYS is not set beside it (the service
// refuses both), and a rendered ring (dev's example) parses as the service parses it.
function checkDataKeys(ctx, where, d, c, pod, get) {
  const file = get("data_keys_file");
  if (!file?.value) {
    ctx.error(
      where,
      "no --data_keys_file (GOV_DATA_KEYS_FILE): personal data would be stored unsealed",
    );
    return;
  }
  const ring = get("data_keys");
  if (ring) {
    ctx.error(
      where,
      `both --data_keys_file (${file.source}) and ${DATA_KEYS_ENV} (${ring.source}) are set: ` +
        "the service refuses to start (give the ring once, as the file)",
    );
  }
  const f = checkFileIn(ctx, where, d, c, pod, file.value, "Secret", "--data_keys_file");
  if (!f) return;
  if (f.mount.readOnly !== true) {
    ctx.error(
      where,
      `--data_keys_file ${file.value}: volume ${f.mount.name} is mounted at ` +
        `${f.mount.mountPath} without readOnly: true`,
    );
  }
  const secret = ctx.find("Secret", f.name);
  if (!secret) return; // created by operators (prod)
  let text = secret.stringData?.[f.key];
  if (text === undefined) {
    const data = String(secret.data?.[f.key] ?? "").replace(/\s/g, "");
    text = Buffer.from(data, "base64").toString();
  }
  for (const e of dataKeyRingErrors(text))
    ctx.error(where, `--data_keys_file ${file.value}: Secret ${f.name} key ${f.key}: ${e}`);
}

// The problems of a key ring's text, as DataKeys::Parse finds them (common/store/data_keys.cc):
// entries end at a newline or a ';', also inside a '#' comment.
function dataKeyRingErrors(text) {
  const errors = [];
  const seen = new Set();
  let keys = 0;
  text.split(/[\n;]/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(/[ \t]+/);
    const entry = `entry ${i + 1}`;
    if (fields.length !== 2) errors.push(`${entry}: not two fields (<key id> <base64>)`);
    else if (!DATA_KEY_ID.test(fields[0]))
      errors.push(`${entry}: the key id is not 1 to 32 of A-Z a-z 0-9 . _ -`);
    else if (seen.has(fields[0])) errors.push(`${entry}: key id "${fields[0]}" is given twice`);
    else if (
      !/^[A-Za-z0-9+/]+={0,2}$/.test(fields[1]) ||
      Buffer.from(fields[1], "base64").length !== DATA_KEY_BYTES
    ) {
      errors.push(`${entry}: the key of "${fields[0]}" is not base64 of ${DATA_KEY_BYTES} bytes`);
    } else {
      seen.add(fields[0]);
      keys++;
    }
  });
  if (keys === 0 && errors.length === 0) errors.push("no key");
  return errors;
}

const TLS_WHY = {
  tls_cert: "the certificate the grpc port serves and presents on peer calls",
  tls_key: "the private key of --tls_cert",
  tls_client_ca: "without it the grpc port admits clients with no certificate",
  tls_ca: "without it the track calls the others in plaintext, which they refuse",
};

// A track on TLS sets all of TLS_SETTINGS; each is a file of the track's own Secret <track>-tls,
// mounted as a directory (a subPath mount never sees a renewed certificate) under a key that
// Secret holds.
function checkTls(ctx, where, d, c, pod, t, tls) {
  const set = TLS_SETTINGS.filter((n) => tls[n]);
  if (set.length === 0) return;
  for (const n of TLS_SETTINGS) {
    if (!tls[n]) {
      ctx.error(
        where,
        `on TLS (${set.map((x) => `--${x}`).join(", ")}) without --${n}: ${TLS_WHY[n]} ` +
          "(a track on TLS sets --tls_cert, --tls_key, --tls_client_ca and --tls_ca)",
      );
    }
  }
  for (const n of set) {
    const f = checkFileIn(ctx, where, d, c, pod, tls[n], "Secret", `--${n}`);
    if (!f) continue;
    if (f.name !== tlsSecretOf(t.name)) {
      ctx.error(
        where,
        `--${n} ${tls[n]} is in Secret ${f.name}, not the track's certificate Secret ` +
          tlsSecretOf(t.name),
      );
    }
    if (f.mount.subPath) {
      ctx.error(
        where,
        `--${n} ${tls[n]} is mounted with subPath: a renewed certificate never reaches the pod`,
      );
    }
  }
}

// The plaintext health-only port (--health_listen) is for the kubelet, whose probes come from
// the node: it is a declared container port other than grpc and metrics, in no Service that
// selects the pods, and no NetworkPolicy ingress rule admits other pods to it.
function checkHealthPort(ctx, where, c, podLabels, ports, health, policies) {
  if (!Number.isInteger(health.port)) {
    ctx.error(where, `health_listen "${health.value}" is not HOST:PORT`);
    return;
  }
  for (const name of ["grpc", "metrics"]) {
    if (ports.get(name) === health.port)
      ctx.error(where, `health_listen ${health.value} is on the ${name} port`);
  }
  const declared = (c.ports ?? []).find((p) => p.containerPort === health.port);
  if (!declared) ctx.error(where, `health_listen port ${health.port} is not a container port`);
  const isHealth = (port) =>
    port === health.port || (declared?.name !== undefined && port === declared.name);
  for (const svc of ctx.of("Service")) {
    const sel = svc.spec?.selector;
    if (!sel || !matches(sel, podLabels)) continue;
    for (const p of svc.spec?.ports ?? []) {
      if (isHealth(p.targetPort ?? p.port)) {
        ctx.error(
          id(svc),
          `port ${p.name ?? p.port} exposes the plaintext health port ${health.port} of ` +
            `${c.name} (it is for the kubelet only)`,
        );
      }
    }
  }
  for (const np of policies) {
    for (const rule of np.spec?.ingress ?? []) {
      for (const p of rule.ports ?? []) {
        const inRange =
          typeof p.port === "number" &&
          p.endPort !== undefined &&
          p.port <= health.port &&
          health.port <= p.endPort;
        if (isHealth(p.port) || inRange) {
          ctx.error(
            id(np),
            `admits other pods to the plaintext health port ${health.port} of ${c.name} ` +
              "(the kubelet alone probes it, from the node)",
          );
        }
      }
    }
  }
}

// A file setting must name a key of a mounted Secret or ConfigMap volume (of workload o). Returns
// { mount, name, key } when it does (name: the Secret's or ConfigMap's), else undefined.
function checkFileIn(ctx, where, o, c, pod, path, kind, what) {
  if (!path) {
    ctx.error(where, `no ${what} file setting`);
    return undefined;
  }
  const m = mountFor(c, path);
  const v = (pod.volumes ?? []).find((x) => x.name === m?.name);
  const src = kind === "Secret" ? v?.secret : v?.configMap;
  if (!m || !src) {
    const other = v && Object.keys(v).find((k) => k !== "name");
    ctx.error(
      where,
      `${path} is not in a mounted ${kind}` + (other ? ` (in volume ${v.name}, ${other})` : ""),
    );
    return undefined;
  }
  const dir = m.mountPath.replace(/\/+$/, "");
  const below = path === dir ? "" : path.slice(dir.length + 1);
  const rel = [m.subPath, below].filter(Boolean).join("/");
  const name = kind === "Secret" ? src.secretName : src.name;
  const key = src.items ? src.items.find((i) => i.path === rel)?.key : rel;
  if (src.items && key === undefined) {
    ctx.error(where, `${path}: ${kind} ${name} is mounted without ${rel}`);
    return undefined;
  }
  const obj = ctx.find(kind, name);
  const opKeys = kind === "Secret" ? operatorKeys(ctx, o, name, true) : undefined;
  if (obj && obj.data?.[key] === undefined && obj.stringData?.[key] === undefined) {
    ctx.error(where, `${path}: ${kind} ${name} has no key ${key}`);
    return undefined;
  }
  if (!obj && !opKeys) {
    ctx.error(where, `${path}: ${kind} ${name} is not rendered`);
    return undefined;
  }
  if (!obj && !opKeys.includes(key)) {
    ctx.error(where, `${path}: ${kind} ${name} (created by operators) has no key ${key}`);
    return undefined;
  }
  return { mount: m, name, key };
}

function trackContainer(d, t) {
  const cs = d.spec?.template?.spec?.containers ?? [];
  return cs.find((x) => x.name === t.name) ?? cs[0];
}

function databaseUrl(ctx, d, t) {
  const c = trackContainer(d, t);
  return c ? setting(ctx, c, podLabelsOf(d), "database_url") : undefined;
}

function hpaFor(ctx, t) {
  return ctx
    .of("HorizontalPodAutoscaler")
    .find(
      (h) =>
        h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec?.scaleTargetRef?.name === t.name,
    );
}

// dev: one replica per track, replaced with Recreate, no HorizontalPodAutoscaler, SQLite (no
// database URL anywhere) with --db_path inside an emptyDir or PersistentVolumeClaim volume.
function checkDev(ctx) {
  for (const t of TRACKS) {
    const d = ctx.find("Deployment", t.name);
    if (!d) continue;
    const where = id(d);
    if (d.spec?.replicas !== 1)
      ctx.error(where, `replicas is ${d.spec?.replicas}: dev runs 1 replica per track (SQLite)`);
    if (d.spec?.strategy?.type !== "Recreate")
      ctx.error(where, "strategy is not Recreate (one SQLite writer at a time)");
    const h = hpaFor(ctx, t);
    if (h && h.spec?.maxReplicas !== 1)
      ctx.error(id(h), "autoscales a SQLite track above 1 replica");
    const url = databaseUrl(ctx, d, t);
    if (url)
      ctx.error(
        where,
        `sets a database URL (${url.source}): dev runs on SQLite (no GOV_DATABASE_URL)`,
      );
    const c = trackContainer(d, t);
    const pod = d.spec?.template?.spec ?? {};
    const dbPath = c && setting(ctx, c, podLabelsOf(d), "db_path")?.value;
    const m = dbPath && mountFor(c, dbPath);
    const v = m && (pod.volumes ?? []).find((x) => x.name === m.name);
    if (!dbPath) ctx.error(where, "no db_path");
    else if (!v || !(v.emptyDir || v.persistentVolumeClaim)) {
      ctx.error(where, `db_path ${dbPath} is not in an emptyDir or PersistentVolumeClaim volume`);
    } else if (/\$\(/.test(dbPath))
      ctx.error(where, `db_path ${dbPath} has an unresolved variable`);
  }
}

// prod: >=2 replicas per track (the Deployment leaves the count to the HPA or sets >=2), an
// autoscaling/v2 HPA on CPU with minReplicas >=2 per track, a PodDisruptionBudget of
// minAvailable 1 per track, GOV_DATABASE_URL from a secretKeyRef, every track on mutual TLS
// (components/mtls), no Secret objects; with the in-cluster PostgreSQL, the tracks' connections
// at full scale fit its max_connections; the monitoring objects are there and the
// ServiceMonitors cover every track Service's metrics port.
function checkProd(ctx) {
  let connections = 0;
  for (const t of TRACKS) {
    const d = ctx.find("Deployment", t.name);
    if (!d) continue;
    const where = id(d);
    if (d.spec?.replicas !== undefined && d.spec.replicas < 2)
      ctx.error(where, `replicas ${d.spec.replicas}: prod runs >= 2 per track`);
    const h = hpaFor(ctx, t);
    if (!h) ctx.error(where, "no HorizontalPodAutoscaler");
    else {
      if (h.apiVersion !== "autoscaling/v2") ctx.error(id(h), "is not autoscaling/v2");
      if (!(h.spec?.minReplicas >= 2))
        ctx.error(id(h), `minReplicas ${h.spec?.minReplicas}: prod runs >= 2 per track`);
      if (!(h.spec?.maxReplicas >= h.spec?.minReplicas))
        ctx.error(id(h), "maxReplicas is below minReplicas");
      if (
        !(h.spec?.metrics ?? []).some((m) => m.type === "Resource" && m.resource?.name === "cpu")
      ) {
        ctx.error(id(h), "does not scale on CPU");
      }
    }
    const labels = podLabelsOf(d);
    const pdbs = ctx
      .of("PodDisruptionBudget")
      .filter((p) => selectorMatches(p.spec?.selector, labels));
    if (pdbs.length !== 1)
      ctx.error(where, `${pdbs.length} PodDisruptionBudgets select its pods (want 1)`);
    else if (pdbs[0].spec?.minAvailable !== 1) ctx.error(id(pdbs[0]), "minAvailable is not 1");
    const url = databaseUrl(ctx, d, t);
    const ref = url?.valueFrom?.secretKeyRef;
    if (!url || url.source !== "env GOV_DATABASE_URL" || !ref) {
      ctx.error(
        where,
        `GOV_DATABASE_URL is not from a secretKeyRef (${url ? url.source : "not set"})`,
      );
    } else if (ref.name !== "governance-database" || ref.key !== "url") {
      ctx.error(where, "GOV_DATABASE_URL is not Secret governance-database key url");
    }
    const c = trackContainer(d, t);
    const pool = number(setting(ctx, c, labels, "db_pool")?.value ?? DEFAULTS.db_pool);
    connections += pool * (h?.spec?.maxReplicas ?? d.spec?.replicas ?? 1);
  }
  for (const s of ctx.of("Secret"))
    ctx.error(id(s), "prod renders a Secret: operators create them (deploy/k8s/README.md)");
  for (const t of TRACKS) {
    const d = ctx.find("Deployment", t.name);
    const c = d && trackContainer(d, t);
    if (c && !TLS_SETTINGS.some((n) => tlsOf(ctx, c, podLabelsOf(d))[n])) {
      ctx.error(
        id(d),
        "serves plaintext: prod runs every track on mutual TLS (components/mtls; " +
          "--tls_cert, --tls_key, --tls_client_ca, --tls_ca)",
      );
    }
  }
  const pg = ctx.find("StatefulSet", "postgres");
  if (pg) {
    const args = (pg.spec?.template?.spec?.containers ?? [])[0]?.args ?? [];
    const setting = args.find((a) => /^max_connections=\d+$/.test(a));
    const max = setting ? number(setting.split("=")[1]) : 100;
    if (connections > max - PG_RESERVED_CONNECTIONS) {
      ctx.error(
        id(pg),
        `the tracks may open ${connections} connections at their HPA maximum ` +
          `(db_pool x maxReplicas), more than max_connections ${max} - ` +
          `${PG_RESERVED_CONNECTIONS} reserved`,
      );
    }
  }
  const monitors = ctx.of("ServiceMonitor");
  if (monitors.length === 0) ctx.error("monitoring", "no ServiceMonitor (components/monitoring)");
  if (ctx.of("PrometheusRule").length === 0)
    ctx.error("monitoring", "no PrometheusRule (components/monitoring)");
  if (!ctx.of("ConfigMap").some((c) => c.metadata?.labels?.grafana_dashboard !== undefined)) {
    ctx.error("monitoring", "no Grafana dashboard ConfigMap (components/monitoring)");
  }
  if (monitors.length > 0) {
    for (const t of TRACKS) {
      const svc = ctx.find("Service", t.name);
      if (!svc) continue;
      const covered = monitors.some(
        (m) =>
          selectorMatches(m.spec?.selector, svc.metadata?.labels ?? {}) &&
          (m.spec?.endpoints ?? []).some((e) => e.port === "metrics") &&
          namespaceCovered(m, svc),
      );
      if (!covered) ctx.error(id(svc), "no ServiceMonitor scrapes its metrics port");
    }
  }
}

function namespaceCovered(monitor, svc) {
  const ns = monitor.spec?.namespaceSelector;
  if (ns?.any) return true;
  if (ns?.matchNames?.length) return ns.matchNames.includes(svc.metadata?.namespace);
  return (monitor.metadata?.namespace ?? "") === (svc.metadata?.namespace ?? "");
}

// ---------------------------------------------------------------------------------------------

async function validate(overlay, objects) {
  const ctx = new Context(overlay, objects);
  for (const o of objects) {
    if (!o || typeof o !== "object" || !o.apiVersion || !o.kind || !o.metadata?.name) {
      ctx.error("object", `not a named Kubernetes object: ${JSON.stringify(o).slice(0, 80)}`);
      continue;
    }
    for (const e of await schemaErrors(o)) ctx.error(id(o), e);
  }
  const ids = new Set();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
    if (ids.has(key)) ctx.error(id(o), "rendered twice");
    ids.add(key);
  }
  checkWorkloads(ctx);
  checkServices(ctx);
  checkTracks(ctx);
  if (overlay === "dev") checkDev(ctx);
  else if (overlay === "prod") checkProd(ctx);
  else ctx.error("overlay", `unknown overlay ${overlay} (dev or prod)`);
  return ctx.errors;
}

function load(path) {
  const docs = YAML.parseAllDocuments(readFileSync(path, "utf8"));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0)
      throw new Error(`${path}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const o = doc.toJS();
    if (o !== null) objects.push(o);
  }
  return objects;
}

function counts(objects) {
  const by = new Map();
  for (const o of objects) by.set(o.kind, (by.get(o.kind) ?? 0) + 1);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
}

// ---------------------------------------------------------------------------------------------
// Self-test: each breakage must be reported with a message matching `expect`.
// ---------------------------------------------------------------------------------------------

const byName = (objs, kind, name) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const container = (objs, kind, name) => byName(objs, kind, name).spec.template.spec.containers[0];
const without = (objs, kind, name) =>
  objs.filter((o) => !(o.kind === kind && o.metadata.name === name));
// A track's ConfigMap of settings (its rendered name carries a hash).
const settingsOf = (objs, track) =>
  byName(objs, "ConfigMap", container(objs, "Deployment", track).envFrom[0].configMapRef.name);
const volumeOf = (objs, track, volume) =>
  byName(objs, "Deployment", track).spec.template.spec.volumes.find((v) => v.name === volume);
const mountOf = (objs, track, volume) =>
  container(objs, "Deployment", track).volumeMounts.find((m) => m.name === volume);
// A key ring entry in the service's format (not a key anyone uses).
const SOME_RING = `k1 ${Buffer.alloc(32, 7).toString("base64")}`;

const BREAKAGES = [
  [
    "*",
    "a probe removed",
    /mediation: no readinessProbe/,
    (o) => {
      delete container(o, "Deployment", "mediation").readinessProbe;
    },
  ],
  [
    "*",
    "a misspelt field",
    /unknown field spec\.template\.spec\.containers\[0\]\.readinesProbe/,
    (o) => {
      const c = container(o, "Deployment", "hazard");
      c.readinesProbe = c.readinessProbe;
    },
  ],
  [
    "*",
    "a wrong type",
    /schema: .*terminationGracePeriodSeconds must be integer/,
    (o) => {
      byName(o, "Deployment", "backlog").spec.template.spec.terminationGracePeriodSeconds = "forty";
    },
  ],
  [
    "*",
    "a short grace period",
    /terminationGracePeriodSeconds 25 is not longer/,
    (o) => {
      byName(o, "Deployment", "hazard").spec.template.spec.terminationGracePeriodSeconds = 25;
    },
  ],
  [
    "*",
    "a longer drain in the args",
    /drain 40 s/,
    (o) => {
      container(o, "Deployment", "digital").args.push("--drain_seconds=40");
    },
  ],
  [
    "*",
    "limits removed",
    /redis: no resources\.limits\.memory/,
    (o) => {
      delete container(o, "Deployment", "redis").resources.limits;
    },
  ],
  [
    "*",
    "a writable root file system",
    /readOnlyRootFilesystem is not true/,
    (o) => {
      container(o, "Deployment", "policing").securityContext.readOnlyRootFilesystem = false;
    },
  ],
  [
    "*",
    "capabilities kept",
    /capabilities are not dropped/,
    (o) => {
      container(o, "Deployment", "digital").securityContext.capabilities.drop = [];
    },
  ],
  [
    "*",
    "root",
    /not non-root/,
    (o) => {
      const d = byName(o, "Deployment", "tripartite");
      d.spec.template.spec.securityContext.runAsNonRoot = false;
      d.spec.template.spec.containers[0].securityContext.runAsNonRoot = false;
    },
  ],
  [
    "*",
    "a track missing",
    /track tripartite: no Deployment/,
    (o) => without(o, "Deployment", "tripartite"),
  ],
  [
    "*",
    "a Service port renamed",
    /Service\/policing: no port named metrics/,
    (o) => {
      byName(o, "Service", "policing").spec.ports.find((p) => p.name === "metrics").name = "prom";
    },
  ],
  [
    "*",
    "no images: mapping",
    /has no tag or digest/,
    (o) => {
      container(o, "Deployment", "mediation").image = "governance-mediation";
    },
  ],
  [
    "*",
    "no NetworkPolicy",
    /no NetworkPolicy restricts ingress/,
    (o) => without(o, "NetworkPolicy", "governance-services"),
  ],
  [
    "*",
    "metrics bound to loopback",
    /metrics_bind is not 0\.0\.0\.0/,
    (o) => {
      container(o, "Deployment", "backlog").args.push("--metrics_bind=127.0.0.1");
    },
  ],
  [
    "*",
    "no data key ring",
    /Deployment\/mediation container mediation: no --data_keys_file \(GOV_DATA_KEYS_FILE\)/,
    (o) => {
      delete settingsOf(o, "mediation").data.GOV_DATA_KEYS_FILE;
    },
  ],
  [
    "*",
    "the key ring in a ConfigMap",
    /policing: \/etc\/governance\/data\/keys is not in a mounted Secret \(in volume data, config/,
    (o) => {
      settingsOf(o, "policing").data.GOV_DATA_KEYS_FILE = "/etc/governance/data/keys";
    },
  ],
  [
    "*",
    "the key ring in an emptyDir",
    /disorder: \/tmp\/keys is not in a mounted Secret \(in volume tmp, emptyDir\)/,
    (o) => {
      container(o, "Deployment", "disorder").args.push("--data_keys_file=/tmp/keys");
    },
  ],
  [
    "*",
    "the key ring mounted writable",
    /hazard: --data_keys_file \S+: volume data-keys is mounted at \S+ without readOnly: true/,
    (o) => {
      mountOf(o, "hazard", "data-keys").readOnly = false;
    },
  ],
  [
    "*",
    "key material as a literal GOV_DATA_KEYS",
    /Deployment\/redis container redis: env GOV_DATA_KEYS is a literal value: key material/,
    (o) => {
      const c = container(o, "Deployment", "redis");
      c.env = [...(c.env ?? []), { name: "GOV_DATA_KEYS", value: SOME_RING }];
    },
  ],
  [
    "*",
    "key material in a ConfigMap",
    /ConfigMap\/digital-config-\S+: holds key material \(GOV_DATA_KEYS\)/,
    (o) => {
      settingsOf(o, "digital").data.GOV_DATA_KEYS = SOME_RING;
    },
  ],
  [
    "*",
    "the key ring given twice",
    /backlog: both --data_keys_file \(.*\) and GOV_DATA_KEYS \(env GOV_DATA_KEYS\) are set/,
    (o) => {
      const name = volumeOf(o, "backlog", "data-keys").secret.secretName;
      container(o, "Deployment", "backlog").env.push({
        name: "GOV_DATA_KEYS",
        valueFrom: { secretKeyRef: { name, key: "keys" } },
      });
    },
  ],
  [
    "dev",
    "a malformed example data key",
    /Secret governance-data-keys-\S+ key keys: entry \d+: the key of "dev-\S+" is not base64 of 32/,
    (o) => {
      const name = volumeOf(o, "tripartite", "data-keys").secret.secretName;
      byName(o, "Secret", name).data.keys = Buffer.from("dev-short c2hvcnQ=\n").toString("base64");
    },
  ],
  [
    "dev",
    "two SQLite replicas",
    /replicas is 2: dev runs 1 replica/,
    (o) => {
      byName(o, "Deployment", "mediation").spec.replicas = 2;
    },
  ],
  [
    "dev",
    "a database URL",
    /sets a database URL \(env GOV_DATABASE_URL\)/,
    (o) => {
      container(o, "Deployment", "hazard").env.push({
        name: "GOV_DATABASE_URL",
        value: "postgresql://x@db/governance",
      });
    },
  ],
  [
    "dev",
    "the database outside a volume",
    /db_path \/data\/x\.db is not in an emptyDir/,
    (o) => {
      container(o, "Deployment", "disorder").args.push("--db_path=/data/x.db");
    },
  ],
  [
    "prod",
    "one replica",
    /replicas 1: prod runs >= 2/,
    (o) => {
      byName(o, "Deployment", "mediation").spec.replicas = 1;
    },
  ],
  [
    "prod",
    "an HPA of minReplicas 1",
    /minReplicas 1: prod runs >= 2/,
    (o) => {
      byName(o, "HorizontalPodAutoscaler", "policing").spec.minReplicas = 1;
    },
  ],
  [
    "prod",
    "an HPA missing",
    /Deployment\/digital: no HorizontalPodAutoscaler/,
    (o) => without(o, "HorizontalPodAutoscaler", "digital"),
  ],
  [
    "prod",
    "a PDB missing",
    /Deployment\/backlog: 0 PodDisruptionBudgets/,
    (o) => without(o, "PodDisruptionBudget", "backlog"),
  ],
  [
    "prod",
    "the URL as a literal",
    /GOV_DATABASE_URL is not from a secretKeyRef/,
    (o) => {
      const e = container(o, "Deployment", "tripartite").env.find(
        (x) => x.name === "GOV_DATABASE_URL",
      );
      delete e.valueFrom;
      e.value = "postgresql://governance:secret@postgres/governance";
    },
  ],
  [
    "prod",
    "a key the data keys Secret does not hold",
    /Secret governance-data-keys \(created by operators\) has no key ring/,
    (o) => {
      volumeOf(o, "tripartite", "data-keys").secret.items[0].key = "ring";
    },
  ],
  [
    "prod",
    "a Secret in the render",
    /prod renders a Secret/,
    (o) => [
      ...o,
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "governance-database", namespace: "governance" },
        stringData: { url: "x" },
      },
    ],
  ],
  [
    "prod",
    "too many connections",
    /may open \d+ connections/,
    (o) => {
      byName(o, "HorizontalPodAutoscaler", "hazard").spec.maxReplicas = 100;
    },
  ],
  [
    "prod",
    "a track in plaintext",
    /Deployment\/backlog: serves plaintext: prod runs every track on mutual TLS/,
    (o) => {
      const cm = settingsOf(o, "backlog");
      for (const k of ["GOV_TLS_CERT", "GOV_TLS_KEY", "GOV_TLS_CLIENT_CA", "GOV_TLS_CA"])
        delete cm.data[k];
    },
  ],
  [
    "prod",
    "a track in plaintext among tracks on TLS",
    /track hazard: no --tls_ca: its peer calls are plaintext/,
    (o) => {
      const cm = settingsOf(o, "hazard");
      for (const k of ["GOV_TLS_CERT", "GOV_TLS_KEY", "GOV_TLS_CLIENT_CA", "GOV_TLS_CA"])
        delete cm.data[k];
    },
  ],
  [
    "prod",
    "no CA for peer calls",
    /container policing: on TLS .* without --tls_ca/,
    (o) => {
      delete settingsOf(o, "policing").data.GOV_TLS_CA;
    },
  ],
  [
    "prod",
    "TLS without client certificates",
    /container digital: on TLS .* without --tls_client_ca/,
    (o) => {
      container(o, "Deployment", "digital").args.push("--tls_client_ca=");
    },
  ],
  [
    "prod",
    "a probe on the mutual-TLS port",
    /container mediation: readinessProbe probes the grpc port, which serves mutual TLS/,
    (o) => {
      container(o, "Deployment", "mediation").readinessProbe.grpc.port = 7101;
    },
  ],
  [
    "prod",
    "probes on a port without --health_listen",
    /disorder: livenessProbe probes port 8081, neither the grpc port nor .* \(not set\)/,
    (o) => {
      delete settingsOf(o, "disorder").data.GOV_HEALTH_LISTEN;
    },
  ],
  [
    "prod",
    "the health port on loopback",
    /tripartite: startupProbe probes --health_listen 127\.0\.0\.1:8081, which the kubelet/,
    (o) => {
      container(o, "Deployment", "tripartite").args.push("--health_listen=127.0.0.1:8081");
    },
  ],
  [
    "prod",
    "the health port not declared",
    /container backlog: health_listen port 8081 is not a container port/,
    (o) => {
      const c = container(o, "Deployment", "backlog");
      c.ports = c.ports.filter((p) => p.name !== "health");
    },
  ],
  [
    "prod",
    "the health port in a Service",
    /Service\/hazard: port health exposes the plaintext health port 8081/,
    (o) => {
      byName(o, "Service", "hazard").spec.ports.push({
        name: "health",
        port: 8081,
        targetPort: "health",
        protocol: "TCP",
      });
    },
  ],
  [
    "prod",
    "the health port admitted by the NetworkPolicy",
    /NetworkPolicy\/governance-services: admits other pods to the plaintext health port 8081/,
    (o) => {
      byName(o, "NetworkPolicy", "governance-services").spec.ingress[0].ports.push({
        port: 8081,
        protocol: "TCP",
      });
    },
  ],
  [
    "prod",
    "another track's certificate Secret",
    /Deployment\/mediation: Secret policing-tls is not rendered/,
    (o) => {
      volumeOf(o, "mediation", "tls").secret.secretName = "policing-tls";
    },
  ],
  [
    "prod",
    "a key the certificate Secret does not hold",
    /Secret digital-tls \(created by operators\) has no key cert\.pem/,
    (o) => {
      volumeOf(o, "digital", "tls").secret.items[0].key = "cert.pem";
    },
  ],
  [
    "prod",
    "the CA left out of the mount",
    /\/etc\/governance\/tls\/ca\.crt: Secret disorder-tls is mounted without ca\.crt/,
    (o) => {
      const v = volumeOf(o, "disorder", "tls");
      v.secret.items = v.secret.items.filter((i) => i.key !== "ca.crt");
    },
  ],
  [
    "prod",
    "the certificate in the tokens Secret",
    /--tls_cert \S+ is in Secret governance-tokens, not the track's certificate Secret mediat/,
    (o) => {
      settingsOf(o, "mediation").data.GOV_TLS_CERT = "/etc/governance/secrets/tokens.json";
    },
  ],
  [
    "prod",
    "the certificate mounted with subPath",
    /--tls_key \/etc\/governance\/tls\/tls\.key is mounted with subPath/,
    (o) => {
      const c = container(o, "Deployment", "policing");
      c.volumeMounts.push({
        name: "tls",
        mountPath: "/etc/governance/tls/tls.key",
        subPath: "tls.key",
      });
    },
  ],
  [
    "prod",
    "a ServiceMonitor on another port",
    /no ServiceMonitor scrapes its metrics port/,
    (o) => {
      for (const m of o.filter((x) => x.kind === "ServiceMonitor"))
        for (const e of m.spec.endpoints) e.port = "web";
    },
  ],
];

async function selfTest(rendered, verbose) {
  let passed = 0;
  const failures = [];
  for (const [overlay, what, expect, breakIt] of BREAKAGES) {
    for (const [name, objects] of rendered) {
      if (overlay !== "*" && overlay !== name) continue;
      const copy = structuredClone(objects);
      const broken = breakIt(copy) ?? copy;
      const errors = await validate(name, broken);
      const hit = errors.find((e) => expect.test(e));
      if (hit) {
        passed++;
        if (verbose) console.log(`self-test: ${name}: ${what}: ${hit}`);
      } else
        failures.push(
          `${name}: ${what}: not reported as ${expect} (got: ${errors.slice(0, 3).join(" | ") || "no error"})`,
        );
    }
  }
  return { passed, failures };
}

// generate.mjs's TRACKS against data/tracks.json: the same tracks in the same order, with their
// ports and rules files (so that a track table or a port written into generate.mjs again, or an
// override of one, is caught).
function checkTrackTable() {
  let listed;
  try {
    listed = loadTracks(TRACKS_FILE);
  } catch (e) {
    return [e.message];
  }
  const row = (name, grpc, metrics, rules) =>
    `${name} ${grpc} ${metrics}${rules ? " rules" : ""}`;
  const known = listed.map((t) => row(t.name, t.grpcPort, t.metricsPort, t.rules));
  const ours = TRACKS.map((t) => row(t.name, t.grpc, t.metrics, t.rules));
  if (known.join(",") !== ours.join(",")) {
    return [
      `deploy/k8s/generate.mjs TRACKS (${ours.join(", ")}) differ from data/tracks.json ` +
        `(${known.join(", ")})`,
    ];
  }
  return [];
}

function checkImageUser() {
  let text;
  try {
    text = readFileSync(DOCKERFILE, "utf8");
  } catch (e) {
    return [`cannot read ${DOCKERFILE}: ${e.message}`];
  }
  const users = [...text.matchAll(/^USER\s+(\d+)/gm)].map((m) => Number(m[1]));
  if (users.at(-1) !== TRACK_UID) {
    return [
      `the image's USER (${users.at(-1) ?? "none"}) is not UID ${TRACK_UID} of the manifests`,
    ];
  }
  return [];
}

async function main() {
  const args = process.argv.slice(2);
  const self = args.includes("--self-test");
  const verbose = args.includes("--verbose");
  const inputs = args
    .filter((a) => !a.startsWith("--"))
    .map((a) => {
      const eq = a.indexOf("=");
      if (eq < 1) {
        console.error(
          "usage: validate-k8s.mjs [--self-test [--verbose]] dev=RENDERED.yaml prod=RENDERED.yaml",
        );
        process.exit(2);
      }
      return [a.slice(0, eq), a.slice(eq + 1)];
    });
  if (inputs.length === 0) {
    console.error(
      "usage: validate-k8s.mjs [--self-test [--verbose]] dev=RENDERED.yaml prod=RENDERED.yaml",
    );
    process.exit(2);
  }
  let failed = false;
  for (const e of [...checkTrackTable(), ...checkImageUser()]) {
    console.error(`consistency: ${e}`);
    failed = true;
  }
  const rendered = [];
  for (const [overlay, path] of inputs) {
    let objects;
    try {
      objects = load(path);
    } catch (e) {
      console.error(`${overlay}: ${e.message}`);
      failed = true;
      continue;
    }
    rendered.push([overlay, objects]);
    const errors = await validate(overlay, objects);
    if (errors.length > 0) {
      failed = true;
      for (const e of errors) console.error(e);
      console.error(`${overlay}: ${errors.length} problem(s) in ${objects.length} objects`);
    } else {
      console.log(`${overlay}: ${objects.length} objects valid (${counts(objects)})`);
    }
  }
  if (self && !failed) {
    const { passed, failures } = await selfTest(rendered, verbose);
    for (const f of failures) console.error(`self-test: ${f}`);
    if (failures.length > 0 || passed === 0) {
      console.error(`self-test: ${failures.length} breakage(s) not caught`);
      failed = true;
    } else {
      console.log(`self-test: all ${passed} deliberate breakages caught`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});
