#!/usr/bin/env bash
# Reproduces the benchmark figures of docs/performance.md on this machine:
#   npm run bench [-- engine|realistic|connections|split|resting|capacity]
# Starts the engine (ROLE=all, embedded Redis and PostgreSQL in a temporary DATA_DIR, auth off, limits
# raised) on 127.0.0.1, runs the load-test script against it, reports CPU per order, and stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
only="${1:-all}"
port="${BENCH_PORT:-3100}"
data="$(mktemp -d /tmp/dex-bench-XXXXXX)"
chmod 755 "$data"
out="${BENCH_OUT:-bench-results}"
mkdir -p "$out"

start_engine() { # $1 quote latency, $2 exec latency, $3 worker concurrency, [$4 role, default all; $EXTRA_ENV]
  env DATA_DIR="$data" PORT="$port" HOST=127.0.0.1 LOG_LEVEL=warn AUTH=off ROLE="${4:-all}" ${EXTRA_ENV:-} \
    MOCK_QUOTE_LATENCY_MS="$1" MOCK_EXEC_LATENCY_MS="$2" MOCK_FAILURE_RATE=0 WORKER_CONCURRENCY="$3" \
    MAX_OPEN_ORDERS_PER_ACCOUNT=10000000 MAX_CONNECTIONS_PER_KEY=100000 MAX_CONNECTIONS=100000 \
    RATE_LIMIT_MESSAGES_PER_CONNECTION=10000000 RATE_LIMIT_MESSAGES_PER_ACCOUNT=10000000 \
    RATE_LIMIT_SUBMITS_PER_CONNECTION=10000000 RATE_LIMIT_SUBMITS_PER_ACCOUNT=10000000 \
    node --max-semi-space-size=64 --single-threaded-gc --import tsx src/main.ts > "$out/server${4:+-$4}.log" 2>&1 &
  engine=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && return 0; sleep 0.5; done
  echo "engine did not start; see $out/server.log" >&2; exit 1
}
stop_engine() { [ -n "${engine:-}" ] || return 0; kill -TERM "$engine" 2>/dev/null || true; wait "$engine" 2>/dev/null || true; }
trap 'stop_engine; rm -rf "$data"' EXIT

cpu() { # CPU seconds of the engine, PostgreSQL and Redis
  local server pg redis
  server=$(ps -o cputimes= -p "$engine" | tr -d ' ')
  pg=$(ps -eo comm,cputimes --no-headers | awk '$1=="postgres"{s+=$2} END {print s+0}')
  redis=$(ps -eo comm,cputimes --no-headers | awk '$1=="redis-server"{s+=$2} END {print s+0}')
  echo "$server $pg $redis"
}

load() { # name, then load-script options
  local name="$1"; shift
  echo "== $name: npm run load -- $*"
  local before after
  before=$(cpu)
  rm -f "$out/$name.json" "$out/$name.html"
  npm run --silent load -- --url "ws://127.0.0.1:$port/ws" --quiet --json "$out/$name.json" --html "$out/$name.html" "$@" \
    || echo "(the load script exited non-zero: see above)"
  after=$(cpu)
  if [ ! -f "$out/$name.json" ]; then echo "no report from $name"; return 0; fi
  read -r s0 p0 r0 <<< "$before"; read -r s1 p1 r1 <<< "$after"
  local orders; orders=$(node -e "console.log(require(require('node:path').resolve(process.argv[1])).confirmed)" "$out/$name.json")
  awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v r=$((r1 - r0)) -v n="$orders" 'BEGIN {
    t = s + p + r; printf "CPU: engine %d s, postgres %d s, redis %d s = %.2f ms per confirmed order\n\n", s, p, r, (n > 0 ? t * 1000 / n : 0) }'
}

warm_up() { # a fresh engine first compiles its hot paths and fills its caches: not measured
  npm run --silent load -- --url "ws://127.0.0.1:$port/ws" --quiet --connections 50 --duration "$1" --rate "$2" > /dev/null || true
}

if [ "$only" = all ] || [ "$only" = engine ]; then
  start_engine 0 0 5000
  warm_up 10 1000
  load engine-1000 --connections 50 --duration 60 --rate 1000
  stop_engine
  start_engine 0 0 5000
  load engine-sustained --connections 50 --duration 60 --rate 3300 --settle-timeout 60
  stop_engine
fi
if [ "$only" = all ] || [ "$only" = realistic ]; then
  start_engine 150-250 2000-3000 5000
  load realistic --connections 50 --duration 60 --rate 1000 --settle-timeout 60
  stop_engine
fi
if [ "$only" = all ] || [ "$only" = connections ]; then
  start_engine 0 0 100
  rss0=$(awk '/VmRSS/{print $2}' /proc/$engine/status)
  npm run --silent load -- --url "ws://127.0.0.1:$port/ws" --quiet --connections 10000 --orders 300 --rate 10 > "$out/connections.txt" &
  loader=$!
  for _ in $(seq 1 60); do
    held=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^dex_ws_connections/{print $2}')
    [ "${held:-0}" -ge 10000 ] && break; sleep 0.5
  done
  rss1=$(awk '/VmRSS/{print $2}' /proc/$engine/status)
  wait "$loader" || true
  echo "== connections: ${held} held on one gateway; RSS ${rss0} kB -> ${rss1} kB = $(( (rss1 - rss0) * 1024 / 10000 )) bytes per connection"
  cat "$out/connections.txt"
  stop_engine
fi
if [ "$only" = split ]; then
  # The parts as processes of their own, to see what each costs per order: the chain process
  # provides the embedded Redis and PostgreSQL (it starts first), the worker and gateway use them.
  start_engine 0 0 5000 chain; chain_pid=$engine
  redis_port=$(ps -o args= -p "$(pgrep -n redis-server)" | grep -o '[0-9]*$')
  pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
  EXTRA_ENV="REDIS_URL=redis://127.0.0.1:$redis_port DATABASE_URL=postgres://postgres:postgres@127.0.0.1:$pg_port/dex"
  port=$((port + 1)); start_engine 0 0 5000 worker; worker_pid=$engine
  port=$((port + 1)); start_engine 0 0 5000 gateway; gateway_pid=$engine
  part_cpu() { for pid in "$chain_pid" "$worker_pid" "$gateway_pid"; do ps -o cputimes= -p "$pid" | tr -d ' '; done | tr '\n' ' '; }
  warm_up 10 1000
  read -r c0 w0 g0 <<< "$(part_cpu)"; read -r _ p0 r0 <<< "$(cpu)"
  npm run --silent load -- --url "ws://127.0.0.1:$port/ws" --quiet --json "$out/split.json" --connections 50 --duration 60 --rate 1000 || true
  read -r c1 w1 g1 <<< "$(part_cpu)"; read -r _ p1 r1 <<< "$(cpu)"
  orders=$(node -e "console.log(require(require('node:path').resolve(process.argv[1])).confirmed)" "$out/split.json")
  awk -v c=$((c1 - c0)) -v w=$((w1 - w0)) -v g=$((g1 - g0)) -v p=$((p1 - p0)) -v r=$((r1 - r0)) -v n="$orders" 'BEGIN {
    printf "CPU per confirmed order (1,000/s for 60 s): gateway %.3f ms, worker %.3f ms, chain %.3f ms, postgres %.3f ms, redis %.3f ms\n", g*1000/n, w*1000/n, c*1000/n, p*1000/n, r*1000/n }'
  kill -TERM "$gateway_pid" "$worker_pid" 2>/dev/null || true; wait "$gateway_pid" "$worker_pid" 2>/dev/null || true
  engine=$chain_pid
fi
if [ "$only" = capacity ]; then
  # The capacity C of this machine in engine mode: the load script steps the rate (doubling from
  # 500/s, then bisecting; 15 s a step) and reports the highest rate that keeps up.
  start_engine 0 0 5000
  warm_up 10 1000
  echo "== capacity: npm run load -- --find-capacity --rate 500 --duration 15 --connections 50"
  npm run --silent load -- --url "ws://127.0.0.1:$port/ws" --quiet --find-capacity --rate 500 --duration 15 --connections 50 --settle-timeout 30 --json "$out/capacity.json" || true
  stop_engine
fi

if [ "$only" = all ] || [ "$only" = resting ]; then
  # The trigger component's work with 100,000 resting limit orders: in one process, on a real
  # Redis for the queueing (REDIS_URL; left out when unset). No engine is started for it.
  echo "== resting: npx tsx scripts/bench-resting.ts --orders 100000 --slots 750"
  npx tsx scripts/bench-resting.ts --orders 100000 --slots 750
fi
echo "reports: $out/*.html, figures: $out/*.json"
