#!/usr/bin/env bash
# Reproduces the benchmark figures of docs/performance.md on this machine:
#   npm run bench [-- engine|realistic|connections|split|gateways|cluster|resting|capacity|realistic-capacity|ceiling|history]
# Starts the engine (ROLE=all, embedded Redis and PostgreSQL in a temporary DATA_DIR, auth off, limits
# raised) on 127.0.0.1, runs the load-test script against it, reports CPU per order, and stops it all.
# `ceiling` also runs the bare-parts ceiling (scripts/ceiling.ts) on the engine's PostgreSQL and Redis.
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
embedded_urls() { # the URLs of the engine's embedded PostgreSQL and Redis (the engine must be running)
  local redis_port pg_port
  # redis-server retitles itself "redis-server 127.0.0.1:PORT"; its pid is in the engine's data dir.
  redis_port=$(ps -o args= -p "$(cat "$data/redis/redis-server.pid")" | grep -o '[0-9]*$')
  pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
  database_url="postgres://postgres:postgres@127.0.0.1:$pg_port/dex"
  redis_url="redis://127.0.0.1:$redis_port"
}
start_ceiling() { # the bare-parts ceiling on the engine's embedded PostgreSQL and Redis
  embedded_urls
  env DATABASE_URL="$database_url" REDIS_URL="$redis_url" PORT="$ceiling_port" HOST=127.0.0.1 LOG_LEVEL=warn ${CEILING_ENV:-} \
    node --max-semi-space-size=64 --single-threaded-gc --import tsx scripts/ceiling.ts > "$out/ceiling.log" 2>&1 &
  ceiling=$!
  for _ in $(seq 1 60); do
    kill -0 "$ceiling" 2>/dev/null || break
    curl -sf "http://127.0.0.1:$ceiling_port/health" > /dev/null 2>&1 && return 0; sleep 0.5
  done
  echo "the ceiling did not start; see $out/ceiling.log" >&2; exit 1
}
settle() { # the database catches up with the runs before (vacuum, then a checkpoint), so the next one does not pay for them
  node -e '
    const sql = require("postgres")(process.argv[1], { max: 1, onnotice: () => undefined });
    sql`vacuum`.then(() => sql`checkpoint`).catch((err) => console.error("settle: " + err.message)).finally(() => sql.end());
  ' "$database_url"
}
stop_ceiling() { [ -n "${ceiling:-}" ] || return 0; kill -TERM "$ceiling" 2>/dev/null || true; wait "$ceiling" 2>/dev/null || true; ceiling=; }
# The ceiling first: it runs on the engine's PostgreSQL and Redis.
trap 'stop_ceiling; stop_engine; rm -rf "$data"' EXIT

proc_cpu() { # CPU seconds of every process named $1, with its children that have exited: a PostgreSQL
  # backend that closed during a run (an idle pool connection) still counts, through the postmaster.
  cat /proc/[0-9]*/stat 2> /dev/null | awk -v name="($1)" -v hz="$(getconf CLK_TCK)" '$2 == name { s += $14 + $15 + $16 + $17 } END { printf "%d\n", s / hz }'
}
cpu() { # CPU seconds of the engine (or $cpu_pid), PostgreSQL and Redis
  local server
  server=$(ps -o cputimes= -p "${cpu_pid:-$engine}" | tr -d ' ')
  echo "$server $(proc_cpu postgres) $(proc_cpu redis-server)"
}

load() { # name, then load-script options; against $target_port (default: the engine's port)
  local name="$1"; shift
  echo "== $name: npm run load -- $*"
  local before after
  before=$(cpu)
  rm -f "$out/$name.json" "$out/$name.html"
  npm run --silent load -- --url "ws://127.0.0.1:${target_port:-$port}/ws" --quiet --json "$out/$name.json" --html "$out/$name.html" "$@" \
    || echo "(the load script exited non-zero: see above)"
  after=$(cpu)
  if [ ! -f "$out/$name.json" ]; then echo "no report from $name"; return 0; fi
  read -r s0 p0 r0 <<< "$before"; read -r s1 p1 r1 <<< "$after"
  local orders; orders=$(node -e "console.log(require(require('node:path').resolve(process.argv[1])).confirmed)" "$out/$name.json")
  awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v r=$((r1 - r0)) -v n="$orders" -v server="${cpu_name:-engine}" 'BEGIN {
    t = s + p + r; printf "CPU: %s %d s, postgres %d s, redis %d s = %.2f ms per confirmed order\n\n", server, s, p, r, (n > 0 ? t * 1000 / n : 0) }'
}

warm_up() { # a fresh engine first compiles its hot paths and fills its caches: not measured. [$3: port]
  npm run --silent load -- --url "ws://127.0.0.1:${3:-$port}/ws" --quiet --connections 50 --duration "$1" --rate "$2" > /dev/null || true
}

find_capacity() { # name, port: the load script steps the rate (doubling from 500/s, then bisecting; 15 s a step)
  echo "== $1: npm run load -- --find-capacity --rate 500 --duration 15 --connections 50"
  rm -f "$out/$1.json"
  npm run --silent load -- --url "ws://127.0.0.1:$2/ws" --quiet --find-capacity --rate 500 --duration 15 --connections 50 --settle-timeout 30 --json "$out/$1.json" || true
}

if [ "$only" = all ] || [ "$only" = engine ]; then
  start_engine 0 0 10000
  warm_up 10 1000
  load engine-1000 --connections 50 --duration 60 --rate 1000
  stop_engine
  start_engine 0 0 10000
  load engine-sustained --connections 50 --duration 60 --rate 3300 --settle-timeout 60
  stop_engine
fi
if [ "$only" = all ] || [ "$only" = realistic ]; then
  start_engine 150-250 2000-3000 10000
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
  start_engine 0 0 10000 chain; chain_pid=$engine
  embedded_urls
  EXTRA_ENV="REDIS_URL=$redis_url DATABASE_URL=$database_url"
  port=$((port + 1)); start_engine 0 0 10000 worker; worker_pid=$engine
  port=$((port + 1)); start_engine 0 0 10000 gateway; gateway_pid=$engine
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
if [ "$only" = gateways ]; then
  # Four gateways, one worker and the chain as processes; all the load on the first gateway, none
  # on the other three (each on a port of its own): what an idle gateway pays for the others'
  # orders' events. With inboxes it is only its own idle cost.
  start_engine 0 0 10000 chain; chain_pid=$engine
  embedded_urls
  EXTRA_ENV="REDIS_URL=$redis_url DATABASE_URL=$database_url"
  port=$((port + 1)); start_engine 0 0 10000 worker; worker_pid=$engine
  gateway_pids=()
  for _ in 1 2 3 4; do port=$((port + 1)); start_engine 0 0 10000 gateway; gateway_pids+=("$engine"); done
  loaded_port=$((port - 3))
  ticks() { for pid in "$@"; do awk '{ print $14 + $15 }' "/proc/$pid/stat"; done | tr '\n' ' '; }
  warm_up 10 600 "$loaded_port"
  read -r -a t0 <<< "$(ticks "${gateway_pids[@]}" "$worker_pid")"
  npm run --silent load -- --url "ws://127.0.0.1:$loaded_port/ws" --quiet --json "$out/gateways.json" --connections 40 --duration 60 --rate 600 || true
  read -r -a t1 <<< "$(ticks "${gateway_pids[@]}" "$worker_pid")"
  orders=$(node -e "console.log(require(require('node:path').resolve(process.argv[1])).confirmed)" "$out/gateways.json")
  hz=$(getconf CLK_TCK)
  names=("loaded gateway" "idle gateway 1" "idle gateway 2" "idle gateway 3" "worker")
  for i in 0 1 2 3 4; do
    awk -v d=$((t1[i] - t0[i])) -v hz="$hz" -v n="$orders" -v name="${names[i]}" 'BEGIN {
      printf "== gateways: %-15s %6.2f s CPU over 60 s (%4.1f %% of a core), %.3f ms per confirmed order\n", name, d / hz, 100 * d / hz / 60, 1000 * d / hz / n }'
  done
  kill -TERM "${gateway_pids[@]}" "$worker_pid" 2>/dev/null || true; wait "${gateway_pids[@]}" "$worker_pid" 2>/dev/null || true
  engine=$chain_pid
fi
if [ "$only" = cluster ]; then
  # The engine (ROLE=all, QUEUE_SHARDS=3, embedded PostgreSQL) on a Redis Cluster of three local
  # masters (redis-server --cluster-enabled yes, redis-cli --cluster create): Redis CPU per order
  # on each master, what it holds, and its costliest commands.
  cluster_dir="$data/cluster"; cluster_ports=()
  for i in 1 2 3; do
    p=$((port + 100 + i)); cluster_ports+=("$p"); mkdir -p "$cluster_dir/$p"
    redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-port $((p + 10)) --cluster-config-file nodes.conf \
      --save '' --appendonly yes --appendfsync everysec --dir "$cluster_dir/$p" --logfile "$cluster_dir/$p/log" --daemonize yes
  done
  stop_cluster() { for p in "${cluster_ports[@]}"; do redis-cli -p "$p" shutdown nosave > /dev/null 2>&1 || true; done; }
  trap 'stop_cluster; stop_engine; rm -rf "$data"' EXIT
  sleep 1
  redis-cli --cluster create "${cluster_ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes > /dev/null
  for _ in $(seq 1 100); do redis-cli -p "${cluster_ports[0]}" cluster info | grep -q cluster_state:ok && break; sleep 0.2; done
  nodes=$(IFS=,; echo "${cluster_ports[*]/#/127.0.0.1:}")
  EXTRA_ENV="REDIS_CLUSTER_NODES=$nodes QUEUE_SHARDS=3" start_engine 0 0 10000
  warm_up 5 500
  redis_cpu() { redis-cli -p "$1" info cpu | tr -d '\r' | awk -F: '/used_cpu_(sys|user):/ { s += $2 } END { printf "%.3f", s }'; }
  declare -A before
  for p in "${cluster_ports[@]}"; do before[$p]=$(redis_cpu "$p"); redis-cli -p "$p" config resetstat > /dev/null; done
  npm run --silent load -- --url "ws://127.0.0.1:$port/ws" --quiet --json "$out/cluster.json" --connections 40 --duration 20 --rate 500 || true
  orders=$(node -e "console.log(require(require('node:path').resolve(process.argv[1])).confirmed)" "$out/cluster.json")
  for p in "${cluster_ports[@]}"; do
    keys=$(redis-cli -p "$p" --scan | sed -E 's/^\{([^}]*)\}.*/{\1}/; s/^(.*:events:gw):.*/\1:<id>/' | sort | uniq -c | sort -rn | head -5 | awk '{ printf "%s (%s) ", $2, $1 }')
    awk -v a="${before[$p]}" -v b="$(redis_cpu "$p")" -v n="$orders" -v p="$p" -v keys="$keys" 'BEGIN {
      printf "== cluster: master %s: %.3f ms of Redis CPU per confirmed order; keys: %s\n", p, (b - a) * 1000 / n, keys }'
    redis-cli -p "$p" info commandstats | tr -d '\r' | grep cmdstat | awk -F'[:,=]' -v n="$orders" '{ sub("cmdstat_", "", $1); printf "     %-10s %5.2f calls, %6.1f us per order\n", $1, $3 / n, $5 / n }' | sort -k4 -rn | head -3
  done
  stop_engine
fi
if [ "$only" = capacity ]; then
  # The capacity C of this machine in engine mode: the load script steps the rate (doubling from
  # 500/s, then bisecting; 15 s a step) and reports the highest rate that keeps up.
  start_engine 0 0 10000
  warm_up 10 1000
  find_capacity capacity "$port"
  stop_engine
fi
if [ "$only" = realistic-capacity ]; then
  # The capacity C in engine mode and in realistic mode (quotes 150-250 ms, execution 2-3 s: about
  # 3.1 s x C orders in flight, counting the landing), one after the other in this run: the
  # realistic mode should be bound by the same CPU, not by worker concurrency or memory.
  start_engine 0 0 10000
  warm_up 10 1000
  find_capacity capacity-engine "$port"
  stop_engine
  start_engine 150-250 2000-3000 10000
  warm_up 10 1000
  find_capacity capacity-realistic "$port"
  stop_engine
  # A search's step is ~10 % and this VM's speed drifts over minutes, so the two searches alone land
  # either side of the 85 % line. Beyond capacity, admission control holds each mode at what it can
  # serve: the steady confirmed rate at 1.5 x the engine mode's C (1,500/s if its search found
  # none), in alternating rounds, each mode on a fresh process after a warm-up and with the
  # database caught up (settle), compares the two on the same minutes. The rounds alternate which
  # mode goes first (ABBA), so neither always inherits the other's writeback.
  engine_c=$(node -e 'try { const c = require(require("node:path").resolve(process.argv[1], "capacity-engine.json")).capacity; console.log(c ?? 0) } catch { console.log(0) }' "$out")
  over=$(( engine_c > 0 ? engine_c * 3 / 2 : 1500 ))
  rounds="${BENCH_ROUNDS:-3}"
  saturated() { # mode (engine|realistic), round
    if [ "$1" = engine ]; then start_engine 0 0 10000; else start_engine 150-250 2000-3000 10000; fi
    embedded_urls
    warm_up 10 1000
    settle
    load "saturated-$1-$2" --connections 50 --duration 30 --rate "$over" --settle-timeout 60
    stop_engine
  }
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then saturated engine "$round"; saturated realistic "$round"
    else saturated realistic "$round"; saturated engine "$round"; fi
  done
  node -e '
    const { resolve } = require("node:path");
    const read = (name) => { try { return require(resolve(process.argv[1], name + ".json")); } catch { return null; } };
    const [engine, realistic] = [read("capacity-engine")?.capacity ?? null, read("capacity-realistic")?.capacity ?? null];
    // One decimal, so that a share at the line of a target is not rounded across it.
    const percent = (fraction) => (100 * fraction).toFixed(1) + " %";
    const share = engine && realistic !== null ? percent(realistic / engine) : "n/a";
    console.log("== realistic-capacity: C engine mode " + engine + "/s, realistic mode " + realistic + "/s: " + share);
    const ratios = [];
    for (let round = 1; round <= Number(process.argv[2]); round++) {
      const [e, r] = [read("saturated-engine-" + round), read("saturated-realistic-" + round)];
      if (!e || !r) continue;
      const lost = e.lost + r.lost;
      const expired = [e, r].reduce((sum, run) => sum + Object.values(run.expired).reduce((a, b) => a + b, 0), 0);
      if (!(e.confirmedPerSSteady > 0)) continue;
      ratios.push(r.confirmedPerSSteady / e.confirmedPerSSteady);
      console.log("== realistic-capacity: round " + round + " at " + process.argv[3] + "/s offered: confirmed/s steady engine mode " + e.confirmedPerSSteady.toFixed(0) +
        ", realistic mode " + r.confirmedPerSSteady.toFixed(0) + ": " + percent(ratios.at(-1)) + " (expired " + expired + ", lost " + lost + ")");
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const middle = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    if (sorted.length > 0) console.log("== realistic-capacity: median of " + sorted.length + " rounds " + percent(middle) + " (range " + percent(sorted[0]) + " to " + percent(sorted.at(-1)) + "; target >= 85 %)");
  ' "$out" "$rounds" "$over"
fi
if [ "$only" = ceiling ]; then
  # The engine's capacity as a share of the bare-parts ceiling (scripts/ceiling.ts: uWS, one
  # statement per batch, one BullMQ job per batch, the Redis stream, the same five durable events
  # per order, and nothing else), both measured by the load script in this run on this machine.
  # The engine (the `engine` scenario's) provides PostgreSQL and Redis and idles while the ceiling
  # is measured; the ceiling idles while the engine is. The 1,000/s runs come first, each after a
  # warm-up at that rate; each capacity search starts once the database has caught up (settle):
  # the ceiling's search (it may step up to 8,000/s) would otherwise leave its vacuum and writeback to the engine's.
  ceiling_port="${CEILING_PORT:-$((port + 200))}"
  start_engine 0 0 10000
  start_ceiling
  warm_up 10 1000 "$ceiling_port"
  target_port=$ceiling_port cpu_pid=$ceiling cpu_name=ceiling load ceiling-1000 --connections 50 --duration 30 --rate 1000
  warm_up 10 1000
  load ceiling-engine-1000 --connections 50 --duration 30 --rate 1000
  settle
  find_capacity ceiling-capacity "$ceiling_port"
  settle
  find_capacity ceiling-engine-capacity "$port"
  # The latency targets, at the engine's C from the search above: the ceiling at C and C/2, the
  # engine at C/2 and at 2 x C (60 s: the answers, acks and refusals, against the ceiling's acks at C).
  engine_c=$(node -e 'try { const c = require(require("node:path").resolve(process.argv[1], "ceiling-engine-capacity.json")).capacity; console.log(c ?? 0) } catch { console.log(0) }' "$out")
  if [ "$engine_c" -gt 0 ]; then
    settle
    target_port=$ceiling_port cpu_pid=$ceiling cpu_name=ceiling load ceiling-at-c --connections 50 --duration 30 --rate "$engine_c"
    target_port=$ceiling_port cpu_pid=$ceiling cpu_name=ceiling load ceiling-at-half-c --connections 50 --duration 30 --rate $((engine_c / 2))
    settle
    load ceiling-engine-at-half-c --connections 50 --duration 30 --rate $((engine_c / 2))
    load ceiling-engine-at-2c --connections 50 --duration 60 --rate $((engine_c * 2)) --settle-timeout 60
  fi
  node -e '
    const { resolve } = require("node:path");
    const read = (name) => { try { return require(resolve(process.argv[1], name + ".json")); } catch { return null; } };
    const [cc, ec, c1, e1] = ["ceiling-capacity", "ceiling-engine-capacity", "ceiling-1000", "ceiling-engine-1000"].map(read);
    const [cAtC, cHalf, eHalf, e2c] = ["ceiling-at-c", "ceiling-at-half-c", "ceiling-engine-at-half-c", "ceiling-engine-at-2c"].map(read);
    const rate = (found) => (found && found.capacity !== null ? found.capacity + "/s" : "n/a");
    const p99 = (run) => (run ? run.ackLatencyMs.p99.toFixed(1) + " ms" : "n/a");
    // One decimal, so that a share at the line of a target is not rounded across it.
    const percent = (fraction) => (100 * fraction).toFixed(1) + " %";
    const share = cc && ec && cc.capacity && ec.capacity !== null ? percent(ec.capacity / cc.capacity) : "n/a";
    console.log("== ceiling: capacity C: ceiling " + rate(cc) + ", engine " + rate(ec) + "; the engine reaches " + share + " of the ceiling");
    console.log("== ceiling: ack p99 at 1,000/s for 30 s: ceiling " + p99(c1) + ", engine " + p99(e1));
    if (ec && ec.capacity && cAtC && e2c && cHalf && eHalf) {
      const ratio = (a, b) => (a / b).toFixed(2) + " x";
      const refused = Object.values(e2c.rejected).reduce((sum, n) => sum + n, 0);
      const expired = Object.values(e2c.expired).reduce((sum, n) => sum + n, 0);
      console.log("== ceiling: at 2 x C (" + 2 * ec.capacity + "/s, 60 s) the engine confirmed " + e2c.confirmedPerSSteady.toFixed(0) + "/s steady (" + percent(e2c.confirmedPerSSteady / ec.capacity) + " of C), refused " + refused + ", expired " + expired + ", lost " + e2c.lost +
        "; answer p99 " + e2c.answerLatencyMs.p99.toFixed(1) + " ms against the ceiling ack p99 at C " + p99(cAtC) + ": " + ratio(e2c.answerLatencyMs.p99, cAtC.ackLatencyMs.p99) + " (target <= 1.5 x)");
      console.log("== ceiling: at C/2 (" + Math.floor(ec.capacity / 2) + "/s) ack p99 engine " + p99(eHalf) + ", ceiling " + p99(cHalf) + ": " + ratio(eHalf.ackLatencyMs.p99, cHalf.ackLatencyMs.p99) + " (target <= 1.5 x)");
    }
  ' "$out"
  stop_ceiling
  stop_engine
fi

if [ "$only" = all ] || [ "$only" = resting ]; then
  # The trigger component's work with 100,000 resting limit orders: in one process, on a real
  # Redis for the queueing (REDIS_URL; left out when unset). No engine is started for it.
  echo "== resting: npx tsx scripts/bench-resting.ts --orders 100000 --slots 750"
  npx tsx scripts/bench-resting.ts --orders 100000 --slots 750
fi
if [ "$only" = history ]; then
  # Insert cost on an order_events of 50 million events against a fresh one (BENCH_HISTORY_ROWS,
  # BENCH_HISTORY_IDS=v7|v4), on the embedded PostgreSQL of an engine started for it.
  start_engine 0 0 100
  embedded_urls
  echo "== history: npx tsx scripts/bench-history.ts --rows ${BENCH_HISTORY_ROWS:-50000000} --ids ${BENCH_HISTORY_IDS:-v7}"
  DATABASE_URL="$database_url" npx tsx scripts/bench-history.ts --rows "${BENCH_HISTORY_ROWS:-50000000}" --ids "${BENCH_HISTORY_IDS:-v7}"
  stop_engine
fi
echo "reports: $out/*.html, figures: $out/*.json"
