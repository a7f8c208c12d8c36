#!/usr/bin/env bash
# Benchmarks the admission webhook server through HTTPS with keep-alive on loopback: reviews
# per second and p99 latency (hey), and the server's resident memory with a generated
# cluster. A benchmark, not a test: run it by hand on an otherwise idle machine.
#
#   examples/admission-webhook/bench.sh [OBJECTS] [REQUESTS]
#
# OBJECTS (default 100000) objects in the generated cluster (build/bench/gen_cluster, with
# --shape realistic when the generator has it); REQUESTS (default 20000) per scenario, 16
# at a time over keep-alive connections (and a quarter of them one at a time). Every run is bounded: each hey run by a
# 120-second timeout, the server stopped by its PID when the script ends, however it ends.
# $BUILD is the build directory (default build). Needs openssl and hey.
set -euo pipefail

objects=${1:-100000}
requests=${2:-20000}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
server=$build/examples/admission-webhook/contour-admission-webhook
gen=$build/bench/gen_cluster
for tool in openssl hey; do
    command -v $tool >/dev/null || { echo "bench.sh: $tool is needed" >&2; exit 2; }
done
[[ -x $server && -x $gen ]] || { echo "bench.sh: build first (ninja -C $build)" >&2; exit 2; }

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

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
    -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
mkdir "$work/cluster"
shape=()
if grep -q -- "--shape" "$root/bench/gen_main.c" 2>/dev/null; then
    shape=(--shape realistic)
fi
"$gen" "$objects" "${shape[@]}" >"$work/cluster/c.yaml"
echo "cluster: $objects objects ${shape[*]:-(uniform shape)}, $(du -h "$work/cluster/c.yaml" | cut -f1)"

"$server" --listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/key.pem" \
    --cluster "$work/cluster" --port-file "$work/port" --threads 2 --poll-interval 0 \
    >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
    [[ -s $work/port ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.1
done
port=$(cat "$work/port")
url=https://127.0.0.1:$port/validate
grep "loaded" "$work/server.log" | sed 's/^contour-admission-webhook: /server: /'
rss() { awk -v k="$1:" '$1 == k { printf "%.0f MiB", $2 / 1024 }' "/proc/$pid/status"; }
echo "server RSS after load: $(rss VmRSS) (peak $(rss VmHWM))"

envelope='{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","userInfo":{"username":"alice"}'
printf '%s,"kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"CREATE","namespace":"team","name":"d","object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"team"},"spec":{"replicas":3}}}}' \
    "$envelope" >"$work/unmodelled.json"
printf '%s,"kind":{"group":"contour.heptio.com","version":"v1beta1","kind":"IngressRoute"},"operation":"CREATE","namespace":"team","name":"new","object":{"apiVersion":"contour.heptio.com/v1beta1","kind":"IngressRoute","metadata":{"name":"new","namespace":"team"},"spec":{"virtualhost":{"fqdn":"new.example.com"},"routes":[{"match":"/","services":[{"name":"web","port":80}]}]}}}}' \
    "$envelope" >"$work/ingressroute.json"
# A Secret of 1 MiB: the parse and copy of a large object.
{
    printf '%s,"kind":{"group":"","version":"v1","kind":"Secret"},"operation":"CREATE","namespace":"team","name":"big","object":{"apiVersion":"v1","kind":"Secret","metadata":{"name":"big","namespace":"team"},"data":{"blob":"' "$envelope"
    head -c 786432 /dev/zero | base64 -w0
    printf '"}}}}'
} >"$work/secret-1mib.json"
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":' >"$work/malformed.json"

run() { # name file requests [concurrency]
    local out c=${4:-16}
    # -host: hey would send "127.0.0.1:PORT" as the TLS server name, which GnuTLS refuses.
    out=$(timeout 120 hey -n "$3" -c "$c" -host localhost -m POST -T application/json -D "$2" "$url" 2>&1) || true
    local rps p99 codes
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p99=$(awk '/99%% in/ || /99% in/ { print $3 * 1000 }' <<<"$out")
    codes=$(awk '/Status code distribution/ { f = 1; next } f && /\[/ { printf "%s%s", sep, $1 $2; sep = " " }' <<<"$out")
    printf '%-34s %10.0f reviews/s   p99 %7.2f ms   %s\n' "$1" "${rps:-0}" "${p99:-0}" "$codes"
}

echo
run "unmodelled kind, 1 at a time" "$work/unmodelled.json" $((requests / 4)) 1
run "unmodelled kind (allowed at once)" "$work/unmodelled.json" "$requests"
run "malformed (400)" "$work/malformed.json" "$requests"
run "IngressRoute CREATE (the review)" "$work/ingressroute.json" "$requests"
run "Secret of 1 MiB" "$work/secret-1mib.json" $((requests / 20))
echo
echo "server RSS at the end: $(rss VmRSS) (peak $(rss VmHWM))"
if grep -q "what-if review is not available" <(curl -sk --data-binary @"$work/ingressroute.json" "$url"); then
    echo "note: this build has no what-if engine: modelled kinds are answered 500 after the parse"
fi
