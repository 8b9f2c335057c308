#!/usr/bin/env node
// The one definition of the seven tracks' Kubernetes objects. Writes deploy/k8s/base/tracks/:
// per track <track>.yaml (ServiceAccount, Service, Deployment, HorizontalPodAutoscaler,
// PodDisruptionBudget) and kustomization.yaml (those files plus the track's ConfigMap
// <track>-config from configMapGenerator: its name carries a content hash, so that a settings
// change rolls the pods); and deploy/k8s/components/mtls/, the component that turns on mutual
// TLS for every track (prod uses it): per track a patch of its Deployment (<track>.yaml) and
// the TLS settings merged into its ConfigMap (kustomization.yaml).
//
//   node deploy/k8s/generate.mjs           rewrite the files
//   node deploy/k8s/generate.mjs --check   exit 1, naming the stale files, when the committed
//                                          output differs from what this script writes
//
// The tracks, their ports and which have a rules file come from data/tracks.json (the one list;
// data/README.md). Edit that list, or this script (OVERRIDES, settings, the object builders),
// run it, commit its output. The overlays change the objects through label-selected patches,
// never per track, so a track that lands later needs nothing but its image tag in each
// overlay's `images:`.
import { readFileSync, writeFileSync, readdirSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { TRACKS as LISTED } from "../../tools/deploy/tracks.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "base", "tracks");
const mtlsDir = join(here, "components", "mtls");

// Per-track overrides of the object builders: `resources` or `hpa`, e.g.
//   policing: { hpa: { max: 8 } },
const OVERRIDES = {};

// The tracks of data/tracks.json as the builders take them: name, fixed ports (`grpc`,
// `metrics`), `rules: true` for a track with a rules file (data/<track>.json in the
// governance-data ConfigMap, --rules_file), and the track's OVERRIDES.
export const TRACKS = LISTED.map((t) => ({
  name: t.name,
  grpc: t.grpcPort,
  metrics: t.metricsPort,
  ...(t.rules ? { rules: true } : {}),
  ...(OVERRIDES[t.name] ?? {}),
}));
for (const [name, override] of Object.entries(OVERRIDES)) {
  if (!TRACKS.some((t) => t.name === name)) {
    throw new Error(`generate.mjs: OVERRIDES names ${name}, not a track of data/tracks.json`);
  }
  for (const key of Object.keys(override)) {
    if (key !== "resources" && key !== "hpa") {
      throw new Error(`generate.mjs: OVERRIDES.${name}.${key}: only resources and hpa`);
    }
  }
}

// The image's service user (deploy/docker/Dockerfile).
const UID = 10001;

// Drain on SIGTERM: health NOT_SERVING for DRAIN_GRACE seconds while calls are still served
// (endpoints and load balancers notice), then DRAIN seconds for calls in flight. The pod's
// grace period must outlast both, with room for the process to exit.
const DRAIN_GRACE = 5;
const DRAIN = 20;
const TERMINATION_GRACE = 40;

const RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};

// Base autoscaling bounds; overlays patch them (dev removes the HPA: SQLite is one replica).
const HPA = { min: 2, max: 5, cpu: 70 };

// Mount points (the Deployment's volumes).
const SECRETS_DIR = "/etc/governance/secrets";
const DATA_DIR = "/etc/governance/data";

// The Secret of the tokens (operators create it in prod; dev generates it): `tokens.json`, the
// hashes every track checks callers against, and `peer-token`, the plain token (one line) the
// tracks present when they call each other, whose hash tokens.json holds (role system,
// district-wide).
const TOKENS_SECRET = "governance-tokens";
const PEER_TOKEN_KEY = "peer-token";

// The Secret of the key ring personal data is sealed with at rest (operators create it in prod;
// dev generates it from an example key): under DATA_KEYS_KEY, one "<key id> <base64 of 32
// bytes>" a line, the first seals, all open. Its own directory, apart from the tokens: the
// services read it at startup (a changed ring needs a rollout; deploy/k8s/README.md).
const DATA_KEYS_SECRET = "governance-data-keys";
const DATA_KEYS_KEY = "keys";
const DATA_KEYS_DIR = "/etc/governance/data-keys";

// Peer calls: every track reaches the others at their Services' DNS names (the namespace's own)
// and gRPC ports, the same list for all.
const PEERS = TRACKS.map((t) => `${t.name}=${t.name}:${t.grpc}`).join(",");

// The non-secret settings of a track, as GOV_<NAME> variables (README "Configuration of a
// service"). The database URL is a Secret (prod adds it to the container's env); the drain
// settings are flags next to terminationGracePeriodSeconds, which depends on them.
function settings(t) {
  return {
    GOV_LISTEN: `0.0.0.0:${t.grpc}`,
    GOV_METRICS_PORT: String(t.metrics),
    GOV_METRICS_BIND: "0.0.0.0",
    GOV_REDIS: "redis:6379",
    GOV_REDIS_POOL: "8",
    GOV_REDIS_TIMEOUT_MS: "100",
    // PostgreSQL connections per replica; see the connection budget in deploy/k8s/README.md.
    GOV_DB_POOL: "4",
    GOV_TOKENS_FILE: `${SECRETS_DIR}/tokens.json`,
    GOV_PEERS: PEERS,
    GOV_PEER_TOKEN_FILE: `${SECRETS_DIR}/${PEER_TOKEN_KEY}`,
    GOV_PEER_TIMEOUT_MS: "2000",
    GOV_DATA_KEYS_FILE: `${DATA_KEYS_DIR}/${DATA_KEYS_KEY}`,
    GOV_REGIONS_FILE: `${DATA_DIR}/regions.json`,
    GOV_HOLIDAYS_FILE: `${DATA_DIR}/holidays.json`,
    GOV_TARGETS_FILE: `${DATA_DIR}/targets.json`,
    ...(t.rules ? { GOV_RULES_FILE: `${DATA_DIR}/${t.name}.json` } : {}),
    GOV_WORKERS: "8",
    GOV_MAX_QUEUE: "1024",
    GOV_BREACH_SCAN_SECONDS: "60",
    GOV_GAUGE_SECONDS: "30",
    GOV_DEMO_DATA: "false",
    GOV_LOG_LEVEL: "info",
  };
}

// Mutual TLS (components/mtls). Each track serves its gRPC port with the certificate of the
// Secret <track>-tls (keys tls.crt, tls.key, ca.crt: the kubernetes.io/tls layout cert-manager
// writes), accepts only clients with a certificate of ca.crt, and presents the same certificate
// when it calls the other tracks, verifying theirs against ca.crt. The Secret is a directory
// mount, so a renewed certificate reaches the running service, which reads the files again every
// TLS_RELOAD seconds. The kubelet's gRPC probes cannot present a client certificate: the probes
// go to a plaintext port that serves grpc.health.v1 and nothing else (HEALTH_PORT; reachable
// from the node only, since the NetworkPolicy admits other pods to the grpc and metrics ports).
const TLS_DIR = "/etc/governance/tls";
const TLS_RELOAD = 60;
const HEALTH_PORT = 8081;

function tlsSecret(t) {
  return `${t.name}-tls`;
}

function mtlsSettings() {
  return {
    GOV_TLS_CERT: `${TLS_DIR}/tls.crt`,
    GOV_TLS_KEY: `${TLS_DIR}/tls.key`,
    GOV_TLS_CLIENT_CA: `${TLS_DIR}/ca.crt`,
    GOV_TLS_CA: `${TLS_DIR}/ca.crt`,
    GOV_TLS_RELOAD_SECONDS: String(TLS_RELOAD),
    GOV_HEALTH_LISTEN: `0.0.0.0:${HEALTH_PORT}`,
  };
}

function labels(t) {
  return {
    "app.kubernetes.io/name": t.name,
    "app.kubernetes.io/component": "service",
    track: t.name,
  };
}

function selector(t) {
  return { "app.kubernetes.io/name": t.name };
}

function grpcProbe(t, extra) {
  return { grpc: { port: t.grpc }, ...extra };
}

function serviceAccount(t) {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: t.name, labels: labels(t) },
    automountServiceAccountToken: false,
  };
}

function service(t) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: t.name, labels: labels(t) },
    spec: {
      type: "ClusterIP",
      selector: selector(t),
      ports: [
        { name: "grpc", port: t.grpc, targetPort: "grpc", protocol: "TCP", appProtocol: "grpc" },
        {
          name: "metrics",
          port: t.metrics,
          targetPort: "metrics",
          protocol: "TCP",
          appProtocol: "http",
        },
      ],
    },
  };
}

function deployment(t) {
  const resources = t.resources ?? RESOURCES;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: t.name, labels: labels(t) },
    spec: {
      // No replicas: the HorizontalPodAutoscaler owns the count (dev sets 1 and drops the HPA).
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector(t) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: labels(t),
          annotations: { "kubectl.kubernetes.io/default-container": t.name },
        },
        spec: {
          serviceAccountName: t.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: TERMINATION_GRACE,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: UID,
            runAsGroup: UID,
            fsGroup: UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: selector(t) },
            },
            {
              maxSkew: 1,
              topologyKey: "topology.kubernetes.io/zone",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: selector(t) },
            },
          ],
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: { matchLabels: selector(t) },
                  },
                },
              ],
            },
          },
          containers: [
            {
              name: t.name,
              // Placeholder name: each overlay's `images:` maps it to the one suite image.
              image: `governance-${t.name}`,
              imagePullPolicy: "IfNotPresent",
              command: [`/usr/local/bin/${t.name}`],
              args: [`--drain_grace_seconds=${DRAIN_GRACE}`, `--drain_seconds=${DRAIN}`],
              envFrom: [{ configMapRef: { name: `${t.name}-config` } }],
              env: [
                // For $(TRACK) in args added by overlays (dev: --db_path); not a GOV_ setting.
                {
                  name: "TRACK",
                  valueFrom: {
                    fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" },
                  },
                },
              ],
              ports: [
                { name: "grpc", containerPort: t.grpc, protocol: "TCP" },
                { name: "metrics", containerPort: t.metrics, protocol: "TCP" },
              ],
              // Migrations and demo data run before SERVING: up to 60 x 5 s.
              startupProbe: grpcProbe(t, {
                periodSeconds: 5,
                timeoutSeconds: 2,
                failureThreshold: 60,
              }),
              readinessProbe: grpcProbe(t, {
                periodSeconds: 5,
                timeoutSeconds: 2,
                failureThreshold: 2,
              }),
              // 3 x 10 s: longer than the drain, so a draining replica is never restarted.
              livenessProbe: grpcProbe(t, {
                periodSeconds: 10,
                timeoutSeconds: 3,
                failureThreshold: 3,
              }),
              resources,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: UID,
                runAsGroup: UID,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
              volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                { name: "data", mountPath: DATA_DIR, readOnly: true },
                { name: "tokens", mountPath: SECRETS_DIR, readOnly: true },
                { name: "data-keys", mountPath: DATA_KEYS_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            { name: "data", configMap: { name: "governance-data" } },
            // A directory mount (no subPath), so that a changed Secret reaches the running
            // service, which re-reads the token files when they change.
            {
              name: "tokens",
              secret: {
                secretName: TOKENS_SECRET,
                items: [
                  { key: "tokens.json", path: "tokens.json" },
                  { key: PEER_TOKEN_KEY, path: PEER_TOKEN_KEY },
                ],
              },
            },
            {
              name: "data-keys",
              secret: {
                secretName: DATA_KEYS_SECRET,
                items: [{ key: DATA_KEYS_KEY, path: DATA_KEYS_KEY }],
              },
            },
          ],
        },
      },
    },
  };
}

function hpa(t) {
  const h = { ...HPA, ...(t.hpa ?? {}) };
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: t.name, labels: labels(t) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: t.name },
      minReplicas: h.min,
      maxReplicas: h.max,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: h.cpu } },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

function pdb(t) {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: t.name, labels: labels(t) },
    spec: { minAvailable: 1, selector: { matchLabels: selector(t) } },
  };
}

// The strategic-merge patch of a track's Deployment for mutual TLS: the certificate Secret
// mounted, the health-only port, the probes moved to it (their timing stays the base's).
function mtlsPatch(t) {
  // A new object each: the YAML then repeats it instead of using an anchor.
  const probe = () => ({ grpc: { port: HEALTH_PORT } });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: t.name },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: t.name,
              ports: [{ name: "health", containerPort: HEALTH_PORT, protocol: "TCP" }],
              startupProbe: probe(),
              readinessProbe: probe(),
              livenessProbe: probe(),
              volumeMounts: [{ name: "tls", mountPath: TLS_DIR, readOnly: true }],
            },
          ],
          volumes: [
            {
              name: "tls",
              secret: {
                secretName: tlsSecret(t),
                items: ["tls.crt", "tls.key", "ca.crt"].map((key) => ({ key, path: key })),
              },
            },
          ],
        },
      },
    },
  };
}

const HEADER =
  "# Generated by deploy/k8s/generate.mjs: edit that script, run it and commit the output.\n";

function render(docs) {
  return (
    HEADER +
    docs.map((d) => "---\n" + YAML.stringify(d, { lineWidth: 0, indentSeq: true })).join("")
  );
}

function kustomization() {
  const k = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: TRACKS.map((t) => `${t.name}.yaml`),
    configMapGenerator: TRACKS.map((t) => ({
      name: `${t.name}-config`,
      options: { labels: labels(t) },
      literals: Object.entries(settings(t)).map(([k, v]) => `${k}=${v}`),
    })),
  };
  return HEADER + YAML.stringify(k, { lineWidth: 0, indentSeq: true });
}

// components/mtls/kustomization.yaml: a kustomize Component (an overlay lists it under
// `components:`), the TLS settings merged into each track's ConfigMap, and the patches.
function mtlsKustomization() {
  const k = {
    apiVersion: "kustomize.config.k8s.io/v1alpha1",
    kind: "Component",
    configMapGenerator: TRACKS.map((t) => ({
      name: `${t.name}-config`,
      behavior: "merge",
      literals: Object.entries(mtlsSettings()).map(([k, v]) => `${k}=${v}`),
    })),
    patches: TRACKS.map((t) => ({ path: `${t.name}.yaml` })),
  };
  return HEADER + YAML.stringify(k, { lineWidth: 0, indentSeq: true });
}

export function outputs() {
  const files = new Map();
  for (const t of TRACKS) {
    files.set(
      `${t.name}.yaml`,
      render([serviceAccount(t), service(t), deployment(t), hpa(t), pdb(t)]),
    );
  }
  files.set("kustomization.yaml", kustomization());
  return files;
}

export function mtlsOutputs() {
  const files = new Map();
  for (const t of TRACKS) files.set(`${t.name}.yaml`, render([mtlsPatch(t)]));
  files.set("kustomization.yaml", mtlsKustomization());
  return files;
}

function main() {
  const check = process.argv.includes("--check");
  const targets = [
    { dir: outDir, shown: "deploy/k8s/base/tracks", want: outputs() },
    { dir: mtlsDir, shown: "deploy/k8s/components/mtls", want: mtlsOutputs() },
  ];
  if (check) {
    let stale = false;
    for (const { dir, shown, want } of targets) {
      const present = existsSync(dir) ? readdirSync(dir) : [];
      const wrong = [];
      for (const [name, text] of want) {
        const path = join(dir, name);
        if (!existsSync(path) || readFileSync(path, "utf8") !== text) wrong.push(name);
      }
      for (const name of present) if (!want.has(name)) wrong.push(`${name} (not generated)`);
      if (wrong.length > 0) {
        console.error(`${shown} is not what deploy/k8s/generate.mjs writes: ${wrong.join(", ")}`);
        stale = true;
      } else {
        console.log(`generate.mjs: ${want.size} files in ${shown} are current`);
      }
    }
    if (stale) {
      console.error("run: node deploy/k8s/generate.mjs");
      process.exit(1);
    }
    return;
  }
  for (const { dir, shown, want } of targets) {
    const present = existsSync(dir) ? readdirSync(dir) : [];
    mkdirSync(dir, { recursive: true });
    for (const name of present) if (!want.has(name)) rmSync(join(dir, name));
    for (const [name, text] of want) writeFileSync(join(dir, name), text);
    console.log(`generate.mjs: wrote ${want.size} files to ${shown}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
