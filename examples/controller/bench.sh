#!/usr/bin/env bash
# The controller under load, against a real API server on 127.0.0.1 (a benchmark, not a
# test: it checks that every status arrives, and reports times and memory).
#
#   examples/controller/bench.sh BUILD_DIR [--trees N] [--updates N] [--batch N] [--workers N]
#
# 1. starts etcd and kube-apiserver (tests/e2e/cluster.py) and installs the CRDs;
# 2. creates --trees trees of 10 objects (default 1000: 10,000 objects — 4,000
#    IngressRoutes, 5,000 Services, 1,000 TLS Secrets) through the API server with the Go
#    client, --workers requests in flight (contour-loadgen create);
# 3. starts the controller and times its initial sync: until the API server holds every
#    IngressRoute's expected status (contour-loadgen wait), with the controller's own
#    account (lists in, first resolution, statuses written);
# 4. sends --updates updates (default 1,000; each makes one child IngressRoute invalid) as
#    fast as the API server accepts them, and times each from its acceptance to the watch
#    event of the status the controller wrote for it (contour-loadgen update);
# 5. reports the controller's resident memory (now and peak) after each phase, and the
#    time of its resolutions;
# 6. stops the controller, then the cluster, each by its PID (also on failure or Ctrl-C).
#
# --batch is the controller's: the most objects applied per resolution (0, the default:
# every one waiting). Everything listens on 127.0.0.1 only (the controller and the load
# generator on nothing). The report is printed and written to $CONTOUR_BENCH_OUT (default:
# report.json in a new temporary directory, beside the controller's log); the cluster's
# working directory is removed unless CONTOUR_E2E_KEEP=1.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [--trees N] [--updates N] [--batch N] [--workers N]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
build=$(cd "$1" && pwd) || usage
shift
trees=1000 updates=1000 batch=0 workers=8
while [[ $# -gt 0 ]]; do
    case $1 in
        --trees) trees=$2; shift ;;
        --updates) updates=$2; shift ;;
        --batch) batch=$2; shift ;;
        --workers) workers=$2; shift ;;
        *) usage ;;
    esac
    shift
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

bin=$("$here/build.sh" "$build")
dir=$(mktemp -d "${TMPDIR:-/tmp}/contour-controller-bench.XXXXXX")
ctl_pid=""
cleanup() {
    if [[ -n $ctl_pid ]] && kill -0 "$ctl_pid" 2>/dev/null; then
        kill -TERM "$ctl_pid"
        for _ in $(seq 150); do kill -0 "$ctl_pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$ctl_pid" 2>/dev/null && kill -KILL "$ctl_pid"
        wait "$ctl_pid" 2>/dev/null || true
    fi
    python3 "$root/tests/e2e/cluster.py" down --dir "$dir/cluster" || true
    if [[ ${CONTOUR_E2E_KEEP:-0} == 1 ]]; then
        echo "bench: logs kept in $dir" >&2
    else
        rm -rf "$dir/cluster"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench: $*" >&2; }
# The supervisor watches this script's PID: a killed benchmark leaves no cluster behind.
eval "$(python3 "$root/tests/e2e/cluster.py" up --dir "$dir/cluster" --watch-pid $$)"
export KUBECONFIG
kubectl() { "$CONTOUR_E2E_KUBECTL" --kubeconfig "$KUBECONFIG" --cache-dir "$dir/kube-cache" "$@"; }
kubectl apply -f "$root/examples/crds" >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd/ingressroutes.contour.heptio.com \
    crd/tlscertificatedelegations.contour.heptio.com >/dev/null

loadgen() { "$bin/contour-loadgen" "$1" --trees "$trees" --workers "$workers" "${@:2}"; }
rss() { # "RSS PEAK CPU": VmRSS and VmHWM of a process in MB, its CPU time (user + system) in s
    awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%.0f %.0f", r / 1024, h / 1024 }' "/proc/$1/status"
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf " %.1f", ($12 + $13) / hz }' "/proc/$1/stat"
}
cpu() { rss "$1" | cut -d" " -f3; }

say "creating $((trees * 10)) objects"
create=$(loadgen create)
say "created: $create"

say "starting the controller"
base="$(cpu "$CONTOUR_E2E_APISERVER_PID") $(cpu "$CONTOUR_E2E_ETCD_PID")"
t0=$(date +%s%N)
"$bin/contour-controller" --batch "$batch" --max-lines 5 --stats-interval 5s \
    >"$dir/controller.log" 2>&1 &
ctl_pid=$!
sync=$(loadgen wait --since "$t0")
# The controller's own account of the sync follows its last write.
for _ in $(seq 600); do
    grep -q "initial statuses written" "$dir/controller.log" && break
    sleep 0.1
done
rss_sync=$(rss "$ctl_pid")
rss_sync="$rss_sync $(cpu "$CONTOUR_E2E_APISERVER_PID") $(cpu "$CONTOUR_E2E_ETCD_PID")"
say "synced: $sync; controller RSS and peak MB, CPU s; API server, etcd CPU s: $rss_sync"

say "sending $updates updates"
upd=$(loadgen update --count "$updates")
rss_upd=$(rss "$ctl_pid")
rss_upd="$rss_upd $(cpu "$CONTOUR_E2E_APISERVER_PID") $(cpu "$CONTOUR_E2E_ETCD_PID")"
say "updated: $upd; controller RSS and peak MB, CPU s; API server, etcd CPU s: $rss_upd"

report=$(python3 - "$dir/controller.log" "$trees" "$batch" "$create" "$sync" "$rss_sync" "$upd" "$rss_upd" "$base" <<'EOF'
import json, re, statistics, sys
log, trees, batch = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3])
create, sync, upd = (json.loads(a) for a in (sys.argv[4], sys.argv[5], sys.argv[7]))
rss_sync, rss_upd, base = ([float(x) for x in a.split()] for a in (sys.argv[6], sys.argv[8], sys.argv[9]))

def dur(s):  # a Go duration as printed: 1.2s, 35ms, 310µs
    m = re.fullmatch(r"([\d.]+)(µs|ms|s)", s)
    return float(m[1]) * {"µs": 0.001, "ms": 1, "s": 1000}[m[2]]

first = lambda pat: re.search(pat, log)
informers = first(r"informers synced in (\S+):")
initial = first(r"initial resolution of (\d+) objects .*: apply (\S+), resolve (\S+), diff (\S+):")
written = first(r"initial statuses written in (\S+) after the start: (\d+) written")
changes = re.findall(r"change \d+: (.*): apply (\S+), resolve (\S+), diff (\S+)$", log, re.M)
def events(text):
    m = re.search(r"and (\d+) more$", text)
    return text.count(" updated") + text.count(" added") + text.count(" deleted") + \
        (int(m[1]) if m else 0)
per = [events(c[0]) for c in changes]
med = lambda xs: statistics.median(xs) if xs else 0
r = {
    "objects": create["objects"], "ingressroutes": create["ingressroutes"],
    "create_seconds": round(create["seconds"], 1),
    "create_per_second": round(create["per_second"]),
    "resolve_path": "full (contour_resolve; no incremental resolve yet)",
    "batch": batch or "all waiting",
    "sync_seconds_until_all_statuses_held": round(sync["seconds"], 2),
    "sync_informers_ms": dur(informers[1]) if informers else None,
    "sync_initial_apply_ms": dur(initial[2]) if initial else None,
    "sync_initial_resolve_ms": dur(initial[3]) if initial else None,
    "sync_initial_diff_ms": dur(initial[4]) if initial else None,
    "sync_statuses_written": int(written[2]) if written else None,
    "sync_writes_done_ms": dur(written[1]) if written else None,
    "rss_mb_after_sync": rss_sync[0], "peak_rss_mb_after_sync": rss_sync[1],
    "cpu_s_during_sync": {"controller": rss_sync[2],
                          "kube-apiserver": round(rss_sync[3] - base[0], 1),
                          "etcd": round(rss_sync[4] - base[1], 1)},
    "updates": upd["updates"],
    "updates_accepted_per_second": round(upd["accepted_per_second"]),
    "update_to_status_median_ms": upd["latency_median_ms"],
    "update_to_status_p90_ms": upd["latency_p90_ms"],
    "update_to_status_p99_ms": upd["latency_p99_ms"],
    "update_to_status_max_ms": upd["latency_max_ms"],
    "last_status_after_first_update_s": round(upd["last_status_seconds"], 2),
    "resolutions_during_updates": len(changes),
    "objects_per_resolution_median": med(per),
    "apply_ms_median": round(med([dur(c[1]) for c in changes]), 2),
    "resolve_ms_median": round(med([dur(c[2]) for c in changes]), 2),
    "diff_ms_median": round(med([dur(c[3]) for c in changes]), 2),
    "rss_mb_after_updates": rss_upd[0], "peak_rss_mb_after_updates": rss_upd[1],
    "cpu_s_during_updates": {"controller": round(rss_upd[2] - rss_sync[2], 1),
                             "kube-apiserver": round(rss_upd[3] - rss_sync[3], 1),
                             "etcd": round(rss_upd[4] - rss_sync[4], 1)},
    "load_average": open("/proc/loadavg").read().split()[:3],
}
print(json.dumps(r, indent=1, ensure_ascii=False))
EOF
)
out=${CONTOUR_BENCH_OUT:-$dir/report.json}
echo "$report" >"$out"
echo "$report"
say "report in $out; controller log in $dir/controller.log"
