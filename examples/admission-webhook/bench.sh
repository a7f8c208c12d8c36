#!/usr/bin/env bash
# Benchmarks the admission webhook server through HTTPS with keep-alive on loopback: reviews
# per second and p99 latency (hey), and the server's resident memory against the size of
# the manifests it loaded. A benchmark, not a test: run it by hand, on a machine as idle as
# you can get (the load average is printed before and after).
#
#   examples/admission-webhook/bench.sh [--cluster FILE] [--requests N] [--concurrency C]
#                                       [--threads T] [OBJECTS]
#
# --cluster FILE: the manifests (YAML, "---" between documents, as gen_cluster writes
#   them); without it a cluster of OBJECTS (default 100000) objects is generated with
#   build/bench/gen_cluster --shape realistic.
# --requests N (default 20000): requests per scenario, C (default 16) at a time over
#   keep-alive connections; a quarter of them one at a time for the first scenario.
# --threads T (default 2, the machine's cores): the server's request threads.
#
# The scenarios are AdmissionReviews made from the cluster's own objects: a kind the
# library does not model, a malformed request (400), then full what-if reviews — a new
# root with a fresh fqdn (allowed), a root taking an existing fqdn (denied), an update of an
# existing IngressRoute (a weight changed), the delete of a child IngressRoute and of a
# Secret in use (both denied) — and a 1 MiB Secret. Each request of a scenario sends the
# same body (the server does the whole review every time; it keeps no cache).
#
# Bounded and local: the server listens on 127.0.0.1 only, on a port it picks; each hey
# run is limited by `timeout` (120 s) and hey's own per-request timeout; the server is
# stopped by its PID when the script ends, however it ends. $BUILD is the build directory
# (default build; a release build measures what users get). Needs openssl, curl, hey
# (Debian package `hey`) and python3 with PyYAML (python3-yaml) to make the requests.
set -euo pipefail

objects=100000
requests=20000
concurrency=16
threads=2
cluster=""
while (($#)); do
    case $1 in
    --cluster) cluster=$2 && shift 2 ;;
    --requests) requests=$2 && shift 2 ;;
    --concurrency) concurrency=$2 && shift 2 ;;
    --threads) threads=$2 && shift 2 ;;
    -*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2 && exit 2 ;;
    *) objects=$1 && shift ;;
    esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
server=$build/examples/admission-webhook/contour-admission-webhook
gen=$build/bench/gen_cluster
for tool in openssl hey curl python3; do
    command -v $tool >/dev/null || { echo "bench.sh: $tool is needed" >&2; exit 2; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "bench.sh: python3-yaml is needed" >&2; exit 2; }
[[ -x $server ]] || { echo "bench.sh: build the server first (ninja -C $build)" >&2; exit 2; }

work=$(mktemp -d)
pid=""
cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ -z $cluster ]]; then
    [[ -x $gen ]] || { echo "bench.sh: build the generator first (ninja -C $build)" >&2; exit 2; }
    cluster=$work/cluster.yaml
    "$gen" --shape realistic "$objects" yaml >"$cluster"
    echo "cluster: generated, realistic shape, $objects objects"
else
    [[ -r $cluster ]] || { echo "bench.sh: cannot read $cluster" >&2; exit 2; }
    echo "cluster: $cluster"
fi
bytes=$(stat -c %s "$cluster")
awk -v b="$bytes" 'BEGIN { printf "manifests: %.1f MiB\n", b / 1048576 }'
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null

# The requests, from the cluster's own documents (only the few picked are parsed).
python3 - "$cluster" "$work" <<'EOF'
import json, random, re, sys
import yaml

path, out = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
docs = re.split(r"(?m)^---[ \t]*$", text)
random.seed(10)
kinds = {}
for d in docs:
    m = re.search(r"(?m)^kind: (\S+)", d)
    if not m:
        continue
    k = m.group(1)
    if k == "IngressRoute":
        k = "root" if re.search(r"(?m)^    fqdn: ", d) else "child"
    kinds.setdefault(k, []).append(d)

def pick(kind, want=lambda o: True):
    cands = kinds.get(kind, [])
    for _ in range(200):
        o = yaml.safe_load(random.choice(cands))
        if o and want(o):
            return o
    sys.exit(f"bench.sh: no suitable {kind} in the cluster")

GVK = {"IngressRoute": ("contour.heptio.com", "v1beta1"), "Secret": ("", "v1")}

def review(op, obj, old=None, uid="705ab4f5-6393-11e8-b7cc-42010a800002"):
    kind = obj["kind"]
    g, v = GVK[kind]
    md = obj["metadata"]
    req = {"uid": uid, "kind": {"group": g, "version": v, "kind": kind},
           "resource": {"group": g, "version": v, "resource": kind.lower() + "s"},
           "operation": op, "namespace": md["namespace"], "name": md["name"],
           "userInfo": {"username": "bench"}}
    if op == "DELETE":
        req["oldObject"] = obj
    else:
        req["object"] = obj
        if old is not None:
            req["oldObject"] = old
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req}

def write(name, body):
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(body, f, separators=(",", ":"))

base = pick("root")
new = json.loads(json.dumps(base))
new["metadata"]["name"] = "bench-new"
new["spec"]["virtualhost"]["fqdn"] = "bench-new.example.com"
write("new-root", review("CREATE", new))
dup = json.loads(json.dumps(base))
dup["metadata"]["name"] = "bench-dup"
write("dup-fqdn", review("CREATE", dup))

def weighted(o):
    return any("weight" in s for r in o["spec"].get("routes", []) for s in r.get("services", []))

old = pick("root", weighted)
upd = json.loads(json.dumps(old))
for r in upd["spec"]["routes"]:
    for s in r.get("services", []):
        if "weight" in s:
            s["weight"] = s["weight"] % 100 + 1
            break
write("update", review("UPDATE", upd, old))
write("delete-child", review("DELETE", pick("child")))
write("delete-secret", review("DELETE", pick("Secret")))
EOF
envelope='{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","userInfo":{"username":"alice"}'
printf '%s,"kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"CREATE","namespace":"team","name":"d","object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"team"},"spec":{"replicas":3}}}}' \
    "$envelope" >"$work/unmodelled.json"
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":' >"$work/malformed.json"
# A Secret of 1 MiB: the parse and copy of a large object.
{
    printf '%s,"kind":{"group":"","version":"v1","kind":"Secret"},"operation":"CREATE","namespace":"team","name":"big","object":{"apiVersion":"v1","kind":"Secret","metadata":{"name":"big","namespace":"team"},"data":{"blob":"' "$envelope"
    head -c 786432 /dev/zero | base64 -w0
    printf '"}}}}'
} >"$work/secret-1mib.json"

t0=$(date +%s%N)
"$server" --listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/key.pem" \
    --cluster "$cluster" --port-file "$work/port" --threads "$threads" --poll-interval 0 \
    >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1800); do # 180 s at most
    [[ -s $work/port ]] && curl -sfk "https://localhost:$(cat "$work/port")/healthz" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.1
done
[[ -s $work/port ]] || { echo "bench.sh: the server did not start in 180 s" >&2; exit 1; }
port=$(cat "$work/port")
url=https://localhost:$port/validate
printf 'server ready in %.1f s: %s\n' "$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { print (b - a) / 1e9 }')" \
    "$(grep -m1 "loaded" "$work/server.log" | sed 's/^contour-admission-webhook: //')"
rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; } # KiB
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
ratio() { awk -v k="$1" -v b="$bytes" 'BEGIN { printf "%.2fx", k * 1024 / b }'; }
echo "server memory after load: RSS $(mib "$(rss VmRSS)"), peak $(mib "$(rss VmHWM)") ($(ratio "$(rss VmHWM)") the manifests)"

# What each review answers (one request each, before the timed runs).
echo
for s in new-root dup-fqdn update delete-child delete-secret; do
    curl -sk --data-binary @"$work/$s.json" -H 'Content-Type: application/json' "$url" \
        >"$work/$s.answer"
    python3 - "$s" "$work/$s.answer" <<'EOF'
import json, sys
r = json.load(open(sys.argv[2]))["response"]
m = r.get("status", {}).get("message", "")
line = "%14s: %s" % (sys.argv[1], "allowed" if r["allowed"] else "denied")
if m:
    line += ": " + (m[:160] + "..." if len(m) > 160 else m)
if r.get("warnings"):
    line += " (%d warnings)" % len(r["warnings"])
print(line)
EOF
done

run() { # name file requests [concurrency]
    local out c=${4:-$concurrency}
    # -host: hey would send "localhost:PORT" as the TLS server name, which GnuTLS refuses.
    out=$(timeout 120 hey -n "$3" -c "$c" -t 20 -host localhost -m POST -T application/json \
        -D "$2" "$url" 2>&1) || true
    local rps p99 codes
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p99=$(awk '/99%% in/ || /99% in/ { print $3 * 1000 }' <<<"$out")
    codes=$(awk '/Status code distribution/ { f = 1; next } f && /\[/ { printf "%s%s", sep, $1 $2; sep = " " }' <<<"$out")
    printf '%-40s %8.0f reviews/s   p99 %7.2f ms   %s\n' "$1" "${rps:-0}" "${p99:-0}" "$codes"
}

echo
echo "$requests requests per scenario, $concurrency at a time, keep-alive, server --threads $threads"
run "unmodelled kind, 1 at a time" "$work/unmodelled.json" $((requests / 4)) 1
run "unmodelled kind (allowed at once)" "$work/unmodelled.json" "$requests"
run "malformed (400)" "$work/malformed.json" "$requests"
run "new root, fresh fqdn (allowed)" "$work/new-root.json" "$requests"
run "new root, fqdn taken (denied)" "$work/dup-fqdn.json" "$requests"
run "update of an IngressRoute (allowed)" "$work/update.json" "$requests"
run "delete of a child (denied)" "$work/delete-child.json" "$requests"
run "delete of a Secret in use (denied)" "$work/delete-secret.json" "$requests"
run "Secret of 1 MiB" "$work/secret-1mib.json" $((requests / 20))
echo
echo "server memory at the end: RSS $(mib "$(rss VmRSS)"), peak $(mib "$(rss VmHWM)") ($(ratio "$(rss VmHWM)") the manifests; target <= 3x)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
