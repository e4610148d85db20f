#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md:
#   1. the JMH micro-benchmarks (netcode-benchmarks) with -prof gc, which records bytes allocated per operation;
#   2. AEAD against libsodium: benchmarks/aead_baseline.c (libsodium called from C, built against the system
#      libsodium that lazysodium loads) beside the JMH AeadBenchmark through JNI (the default) and through JNA;
#   3. the UDP allocation probe (the real socket path, which JMH cannot see), with 1 and 64 clients;
#   4. end to end: the CLI 'load' tool against the CLI echo server over 127.0.0.1 at 64 x 60 Hz, 256 x 60 Hz and a
#      rate sweep up to saturation (loss above 1 %); then the same load against the C reference's echo server when a
#      build of it is present (see BENCHMARKS.md for how to build it outside this repository);
#   5. messages (issue 11): the CLI 'load' tool with --channel against 'server --channels' over 127.0.0.1: raw payloads
#      (plain echo server), the unreliable channel and the reliable-ordered channel at the same loads, with 0 % and
#      --drop-percent 5 injected at the client side, then for each a rate sweep of raw and reliable-ordered until
#      saturation.
#      The JMH part already covers PacketHeader, ReliableEndpoint(Update) and MessageBenchmark.
#   6. fleet (issue 12): FleetTokenBenchmark, tokens per second and latency per token (p50/p99) from the starter's
#      issuer without a directory and with the Redis directory, against a redis-server started here on a free
#      127.0.0.1 port (nothing saved) and killed afterwards.
#   7. busy (issue 13): our echo server on each transport against the C reference at its best (benchmarks/
#      c_busy_server.c: netcode_server_update in a tight loop, no 60 Hz sleep), all driven by the C load generator
#      benchmarks/c_load.c (the reference's client API, a fixed total rate): at equal load (BUSY_RATE) server CPU per
#      echoed packet, syscalls per echo (perf, else strace), RTT p50/p99 and loss; interleaved rounds of the same;
#      then capacity, the highest offered rate held with <= 1 % loss in most rounds, on warm servers and on a fresh
#      server per run, interleaved. Servers on one core, the generator on the other(s). Both C programs are compiled here
#      against the reference's own source. Writes busy.txt, busy.csv and busy.md (benchmarks/busy_summary.py).
# Only 127.0.0.1 is ever used. Output goes to $OUT (default netcode-benchmarks/target/results/<time>).
#
# Knobs (environment):
#   JMH_ARGS      extra JMH arguments, e.g. "-wi 1 -i 2" for a quick pass or "ServerReceive" to pick benchmarks
#   E2E_SECONDS   sending phase of each load run (default 10)
#   SWEEP_CLIENTS clients in the saturation sweep (default 256); SWEEP_RATES its per-client rates
#   NETCODE_C_DIR the C reference build with bin/server_probe (default /tmp/netcode-c); absent: C runs are skipped
#   BENCH_JAR, CLI_JAR the jars to run (default: this tree's builds); SERVER_CLI_JAR the jar whose echo server is
#                 measured (default CLI_JAR; the load tool is always CLI_JAR), e.g. an older build for "before" figures
#   SERVER_JAVA_OPTS JVM options for the measured echo server, e.g. -Dnetcode.crypto.jni=false (libsodium through JNA)
#   MSG_SECONDS   sending phase of each message run (default 10); MSG_CLIENTS its clients (default 64);
#   MSG_RATES     per-client rates of the fixed message loads (default 60); MSG_SWEEP_RATES the sweep's (default
#                 120 240 480 960; the load tool allows up to 1000); MSG_DROPS the injected loss percentages (default "0 5")
#   FLEET_ARGS    extra JMH arguments for the fleet part, e.g. "-p servers=8"
#   NETCODE_C_SRC the C reference's source (netcode.c and its vendored sodium/) for the busy part (default NETCODE_C_DIR)
#   BUSY_SERVERS  the busy part's servers, in order (default "c native nio epoll"; native, nio and epoll are ours, run with the CLI's
#                 'server --transport NAME' when it has it; without it nio is the CLI as is and epoll runs in
#                 dev.netcode.benchmarks.TransportEchoServer on EPOLL_CLASSPATH, by default the epoll module's jar and
#                 its Netty jars)
#                 A name of ours with the suffix -nc (native-nc, nio-nc) runs that transport with receive coalescing off
#                 (server --receive-coalescing 0), the behaviour before it existed
#   BUSY_CLIENTS, BUSY_PAYLOAD  clients and payload bytes of every busy run (default 128, 200)
#   BUSY_RATE     the equal load in payloads per second, all clients together (default 64000); BUSY_SECONDS its length
#                 (default 10); BUSY_WARM_SECONDS the warm-up run before it at half the rate (default 5)
#   CAP_RATES     offered rates of the capacity sweeps (default 80000 96000 112000 128000), CAP_SECONDS each run's
#                 length (default 5), CAP_ROUNDS how many times each (default 3; 0 leaves capacity out): interleaved,
#                 every rate to every server warm and fresh in turn, round after round; SKIP_CAP_WARM, SKIP_CAP_FRESH
#                 leave a kind out
#   BUSY_SERVER_CPUS, BUSY_LOAD_CPUS  the CPUs of the servers and of the generator (taskset lists; default 0 and the
#                 rest on a machine with 2 or more, so neither takes the other's core); BUSY_PIN=0 pins nothing
#   BUSY_AB_ROUNDS interleaved rounds after the sequential runs (default 5; 0 leaves them out; SKIP_BUSY_RUNS=1 runs
#                 only them): every server up at
#                 once, each loaded in turn at BUSY_RATE for BUSY_AB_SECONDS (default 5), CPU per echo as a median
#   C_IDLE        poll (default) or spin: what the C server does after an update that brought nothing (c_busy_server.c)
#   SYSCALL_SECONDS the run at BUSY_RATE that counts the server's syscalls (default 5); SYSCALL_COUNTER perf or
#                 strace (default: perf when it can count raw_syscalls:sys_enter here, else strace); STRACE_SECONDS
#                 strace's window, which starts 2 s into that run (default 3)
#   BUSY_PORT     the busy servers' port (default 40104)
#   SKIP_BUILD, SKIP_JMH, SKIP_AEAD, SKIP_PROBE, SKIP_E2E, SKIP_C, SKIP_MESSAGES, SKIP_FLEET, SKIP_BUSY  set to 1 to
#                 leave a part out
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-netcode-benchmarks/target/results/$(date +%Y%m%d-%H%M%S)}
JMH_ARGS=${JMH_ARGS:-}
E2E_SECONDS=${E2E_SECONDS:-10}
SWEEP_CLIENTS=${SWEEP_CLIENTS:-256}
SWEEP_RATES=${SWEEP_RATES:-90 120 150 180 210 240 300 360 480 600 800 1000}
NETCODE_C_DIR=${NETCODE_C_DIR:-/tmp/netcode-c}
JAVA_PORT=${JAVA_PORT:-40100}
C_PORT=${C_PORT:-40101}
MSG_PORT=${MSG_PORT:-40102}
RAW_PORT=${RAW_PORT:-40103}
MSG_SECONDS=${MSG_SECONDS:-10}
MSG_CLIENTS=${MSG_CLIENTS:-64}
MSG_RATES=${MSG_RATES:-60}
MSG_SWEEP_RATES=${MSG_SWEEP_RATES:-120 240 480 960}
MSG_DROPS=${MSG_DROPS:-0 5}
# The C reference's example key and protocol id, which its echo server (server_probe) has built in.
KEY=606abe6ec91910ea9a6562f66f2b30e44371d62cd19927266b3c60f4b715aba1
PROTOCOL=0x1122334455667788
BENCH_JAR=${BENCH_JAR:-netcode-benchmarks/target/benchmarks.jar}
CLI_JAR=${CLI_JAR:-netcode-cli/target/netcode-cli.jar}
SERVER_CLI_JAR=${SERVER_CLI_JAR:-$CLI_JAR}
mkdir -p "$OUT"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel: $(uname -r)"
    echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
} | tee "$OUT/machine.txt"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    ./mvnw -B -q install -DskipTests -pl netcode-core,netcode-transport-epoll,netcode-cli,netcode-benchmarks -am
fi

if [[ "${SKIP_JMH:-0}" != 1 ]]; then
    echo "== JMH (-prof gc)"
    # shellcheck disable=SC2086 # JMH_ARGS is a list of arguments
    java -jar "$BENCH_JAR" -prof gc -rf json -rff "$OUT/jmh.json" -e FleetTokenBenchmark $JMH_ARGS >"$OUT/jmh.txt"
    python3 benchmarks/jmh_summary.py "$OUT/jmh.json" | tee "$OUT/jmh.md"
fi

if [[ "${SKIP_AEAD:-0}" != 1 ]]; then
    echo "== AEAD against libsodium (100 and 1200 bytes; best figures are the comparable ones)"
    libsodium=$(ldconfig -p 2>/dev/null | awk '/libsodium\.so\.[0-9]/ { print $NF; exit }')
    if [[ -z "$libsodium" ]] || ! command -v cc >/dev/null; then
        echo "libsodium baseline: skipped (needs a system libsodium and a C compiler)" | tee "$OUT/aead.txt"
    else
        cc -O2 -o "$OUT/aead_baseline" benchmarks/aead_baseline.c "$libsodium"
    fi
    # Alternating rounds, so that both sides see the same neighbours.
    for round in 1 2 3; do
        if [[ -x "$OUT/aead_baseline" ]]; then
            "$OUT/aead_baseline" 100 1200 | sed "s/^/round $round C: /" | tee -a "$OUT/aead.txt"
        fi
        for binding in jni jna; do
            flag=true
            [[ $binding == jna ]] && flag=false
            java -jar "$BENCH_JAR" AeadBenchmark -jvmArgsAppend "-Dnetcode.crypto.jni=$flag" -wi 3 -i 10 -rf json \
                -rff "$OUT/aead-$binding-$round.json" >/dev/null
            python3 benchmarks/jmh_summary.py "$OUT/aead-$binding-$round.json" | grep '^| Aead' \
                | sed "s/^/round $round $binding: /" | tee -a "$OUT/aead.txt"
        done
    done
fi

if [[ "${SKIP_PROBE:-0}" != 1 ]]; then
    echo "== UDP allocation probe (bytes the server's thread allocates per payload received and echoed)"
    for clients in 1 64; do
        java -cp "$BENCH_JAR" dev.netcode.benchmarks.UdpAllocationProbe "$clients" $((80000 / clients + 2000)) 100 \
            | tee -a "$OUT/udp-alloc.txt"
    done
fi

# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# CPU seconds (user + system) of this shell's finished children so far, from the 'times' builtin.
children_cpu_seconds() {
    times >"$OUT/.times"
    awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } printf "%.2f", t }' \
        "$OUT/.times"
}

# load SERVER_NAME PID PORT CLIENTS RATE: one load run; appends a row to e2e.csv. The CPU figures cover the whole
# run (connect, sending phase, drain) of the server process and of the load tool.
load() {
    local name=$1 pid=$2 port=$3 clients=$4 rate=$5 before after load_before load_after line
    before=$(cpu_seconds "$pid")
    children_cpu_seconds >"$OUT/.load_before"
    line=$(java -jar "$CLI_JAR" load --server "127.0.0.1:$port" --key "$KEY" --protocol "$PROTOCOL" \
        --clients "$clients" --rate "$rate" --seconds "$E2E_SECONDS" --payload-bytes 100 2>>"$OUT/load-stderr.txt" || true)
    after=$(cpu_seconds "$pid")
    children_cpu_seconds >"$OUT/.load_after"
    load_before=$(cat "$OUT/.load_before")
    load_after=$(cat "$OUT/.load_after")
    echo "$name clients=$clients rate=$rate $line server_cpu_s=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')" \
        "load_cpu_s=$(awk -v a="$load_after" -v b="$load_before" 'BEGIN { printf "%.2f", a - b }')" | tee -a "$OUT/e2e.txt"
    # server,clients,connected,rate,offered_pps,echoed_pps,loss_pct,rtt_p50_ms,rtt_p99_ms,server_cpu_s,server_cpu_us_per_packet,load_cpu_s
    awk -v name="$name" -v c="$clients" -v r="$rate" -v a="$after" -v b="$before" -v la="$load_after" -v lb="$load_before" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        cpu = a - b
        printf "%s,%d,%d,%d,%d,%.0f,%s,%s,%s,%.2f,%.2f,%.2f\n", name, c, v["connected"], r, v["connected"] * r,
            v["pps"], v["loss"], v["rtt_p50_ms"], v["rtt_p99_ms"], cpu, (v["echoed"] > 0 ? 1e6 * cpu / v["echoed"] : 0),
            la - lb
    }' <<<"$line" >>"$OUT/e2e.csv"
    # Saturated: loss above 1 %, or clients that could not connect (only connected clients send).
    awk -v c="$clients" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        exit !(v["loss"] > 1.0 || v["connected"] < c) }' <<<"$line"
}

# e2e NAME PID PORT: warm-up, the two game loads, then the sweep until loss exceeds 1 %.
e2e() {
    local name=$1 pid=$2 port=$3
    E2E_SECONDS=5 load "$name-warmup" "$pid" "$port" 64 60 >/dev/null || true
    load "$name" "$pid" "$port" 64 60 || true
    load "$name" "$pid" "$port" 256 60 || true
    for rate in $SWEEP_RATES; do
        if load "$name" "$pid" "$port" "$SWEEP_CLIENTS" "$rate"; then
            break
        fi
    done
}

# wait_for FILE TEXT: until the server has printed TEXT (at most 10 s).
wait_for() {
    for _ in $(seq 100); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server did not start: $(cat "$1")" >&2
    return 1
}

# stop PID: TERM, not INT, which background jobs of a non-interactive shell ignore.
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

if [[ "${SKIP_E2E:-0}" != 1 ]]; then
    echo "== end to end (100-byte payloads, ${E2E_SECONDS} s per run)"
    echo "server,clients,connected,rate,offered_pps,echoed_pps,loss_pct,rtt_p50_ms,rtt_p99_ms,server_cpu_s,server_cpu_us_per_packet,load_cpu_s" \
        >"$OUT/e2e.csv"
    # shellcheck disable=SC2086 # SERVER_JAVA_OPTS is a list of options
    java ${SERVER_JAVA_OPTS:-} -jar "$SERVER_CLI_JAR" server --bind "127.0.0.1:$JAVA_PORT" --key "$KEY" \
        --protocol "$PROTOCOL" --max-clients 256 --seconds 0 >"$OUT/java-server.txt" 2>&1 &
    java_pid=$!
    trap 'stop $java_pid' EXIT
    wait_for "$OUT/java-server.txt" listening
    e2e java "$java_pid" "$JAVA_PORT"
    stop "$java_pid"
    trap - EXIT

    if [[ "${SKIP_C:-0}" == 1 ]]; then
        echo "C reference: skipped (SKIP_C=1)"
    elif [[ ! -x "$NETCODE_C_DIR/bin/server_probe" ]]; then
        echo "C reference: skipped, no $NETCODE_C_DIR/bin/server_probe (BENCHMARKS.md says how to build it)"
    else
        # server_probe ADDR4 ADDR6|- SECONDS ECHO: the reference's server.c loop (60 Hz updates) echoing every payload.
        "$NETCODE_C_DIR/bin/server_probe" "127.0.0.1:$C_PORT" - 100000 1 >"$OUT/c-server.txt" 2>&1 &
        c_pid=$!
        trap 'stop $c_pid' EXIT
        wait_for "$OUT/c-server.txt" "server started"
        e2e c "$c_pid" "$C_PORT"
        stop "$c_pid"
        trap - EXIT
    fi
    echo "== end-to-end table: $OUT/e2e.csv"
    column -s, -t "$OUT/e2e.csv"
fi
# --- busy (issue 13): ours on each transport against the C reference at its best, at equal load and at capacity ---

# busy_build: compiles benchmarks/c_busy_server.c and benchmarks/c_load.c against the reference's netcode.c and its
# vendored libsodium into $OUT/c-build; fails when the reference's source is not at $NETCODE_C_SRC.
busy_build() {
    local flags=(-O2 -DNETCODE_RELEASE -DNDEBUG -I"$NETCODE_C_SRC" -I"$NETCODE_C_SRC/sodium")
    [[ -f "$NETCODE_C_SRC/netcode.c" && -f "$NETCODE_C_SRC/sodium/sodium.c" ]] || return 1
    mkdir -p "$BUSY_BIN"
    gcc "${flags[@]}" -w -c "$NETCODE_C_SRC/sodium/sodium.c" -o "$BUSY_BIN/sodium.o"
    gcc "${flags[@]}" -w -c "$NETCODE_C_SRC/netcode.c" -o "$BUSY_BIN/netcode.o"
    gcc "${flags[@]}" -Wall benchmarks/c_busy_server.c "$BUSY_BIN/netcode.o" "$BUSY_BIN/sodium.o" -lm \
        -o "$BUSY_BIN/c_busy_server"
    # c_load includes netcode.c itself (it reads each client's socket).
    gcc "${flags[@]}" -Wall benchmarks/c_load.c "$BUSY_BIN/sodium.o" -lm -o "$BUSY_BIN/c_load"
}

# c_load PORT RATE SECONDS [SERVER_PID]: the generator against 127.0.0.1:PORT with BUSY_CLIENTS x BUSY_PAYLOAD, on
# the generator's CPUs; its line on stdout, its notes (connect time, sent/echoed by second) to busy-stderr.txt.
c_load() {
    "${ON_LOAD_CPUS[@]}" "$BUSY_BIN/c_load" "127.0.0.1:$1" "$BUSY_CLIENTS" "$2" "$3" "$BUSY_PAYLOAD" ${4:+"$4"} \
        2>>"$OUT/busy-stderr.txt"
}

# busy_start SERVER LOG: starts SERVER (c, or a transport of ours) on $BUSY_PORT; sets busy_pid. Returns 1 when that
# server cannot run here (said on stderr).
busy_start() {
    local server=$1 log=$2 ready=listening coalescing=()
    if [[ $server == *-nc ]]; then
        server=${server%-nc}
        coalescing=(--receive-coalescing 0)
    fi
    if [[ $server == c ]]; then
        "${ON_SERVER_CPUS[@]}" "$BUSY_BIN/c_busy_server" "127.0.0.1:$BUSY_PORT" 0 "$C_IDLE" >"$log" 2>&1 &
        ready=ready
    elif [[ $CLI_HAS_TRANSPORT == 1 ]]; then
        # shellcheck disable=SC2086 # SERVER_JAVA_OPTS is a list of options
        "${ON_SERVER_CPUS[@]}" java ${SERVER_JAVA_OPTS:-} -jar "$SERVER_CLI_JAR" server --bind "127.0.0.1:$BUSY_PORT" \
            --key "$KEY" --protocol "$PROTOCOL" --max-clients 256 --seconds 0 --transport "$server" "${coalescing[@]}" \
            >"$log" 2>&1 &
    elif [[ $server == nio ]]; then
        # This CLI predates 'server --transport': NIO is its only transport.
        # shellcheck disable=SC2086
        "${ON_SERVER_CPUS[@]}" java ${SERVER_JAVA_OPTS:-} -jar "$SERVER_CLI_JAR" server --bind "127.0.0.1:$BUSY_PORT" \
            --key "$KEY" --protocol "$PROTOCOL" --max-clients 256 --seconds 0 >"$log" 2>&1 &
    elif [[ -n $EPOLL_CLASSPATH ]]; then
        # shellcheck disable=SC2086
        "${ON_SERVER_CPUS[@]}" java ${SERVER_JAVA_OPTS:-} -cp "$BENCH_JAR:$EPOLL_CLASSPATH" dev.netcode.benchmarks.TransportEchoServer \
            "$server" "127.0.0.1:$BUSY_PORT" 0 >"$log" 2>&1 &
    else
        echo "busy: $server skipped: $SERVER_CLI_JAR has no 'server --transport' and EPOLL_CLASSPATH is empty" >&2
        return 1
    fi
    busy_pid=$!
    if ! wait_for "$log" "$ready"; then
        stop "$busy_pid"
        return 1
    fi
}

# busy_load SERVER KIND RATE SECONDS [COUNT_SYSCALLS] [ROUND]: one c_load run against the server busy_pid on
# BUSY_PORT; appends a row to busy.csv.
busy_load() {
    local server=$1 kind=$2 rate=$3 seconds=$4 count_syscalls=${5:-0} round=${6:-} line perf_pid='' syscalls='' method=''
    local errors_before errors_after
    errors_before=$(awk '/^Udp:/ { v = $6 } END { print v }' /proc/net/snmp)
    if [[ $count_syscalls == 1 && $SYSCALL_COUNTER == perf ]]; then
        perf stat -e raw_syscalls:sys_enter -x, -o "$OUT/.perf" -p "$busy_pid" &
        perf_pid=$!
        sleep 0.2
    elif [[ $count_syscalls == 1 && $SYSCALL_COUNTER == strace ]]; then
        # strace slows the server down: a short window in the middle of the sending phase.
        (sleep 2 && timeout -s INT "$STRACE_SECONDS" strace -c -f -q -o "$OUT/.strace" -p "$busy_pid") &
        perf_pid=$!
    fi
    line=$(c_load "$BUSY_PORT" "$rate" "$seconds" "$busy_pid" || true)
    if [[ -n $perf_pid ]]; then
        # (Nothing here may fail the script: perf may have ended already, its output may be missing.)
        [[ $SYSCALL_COUNTER == perf ]] && { kill -INT "$perf_pid" 2>/dev/null || true; }
        wait "$perf_pid" 2>/dev/null || true
        if [[ $SYSCALL_COUNTER == perf ]]; then
            syscalls=$(awk -F, '/raw_syscalls:sys_enter/ { print $1 }' "$OUT/.perf" 2>/dev/null || true)
            method="perf stat raw_syscalls:sys_enter (whole run)"
        else
            # The window's calls; per echo they are divided by the echoes of a window that long at the rate echoed.
            syscalls=$(awk '$NF == "total" { print $4 }' "$OUT/.strace" 2>/dev/null || true)
            method="strace -c -f (${STRACE_SECONDS} s window)"
        fi
    fi
    errors_after=$(awk '/^Udp:/ { v = $6 } END { print v }' /proc/net/snmp)
    echo "busy $server $kind${round:+ round=$round} rate=$rate $line syscalls=${syscalls:-} udp_rcvbuf_errors=$((errors_after - errors_before))" \
        "load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/busy.txt" >&2
    # server,kind,clients,payload_bytes,offered_pps,sent,send_pps,echoed,echoed_pps,loss_pct,rtt_p50_ms,rtt_p99_ms,
    # max_behind_ms,connected,server_cpu_s,server_cpu_us_per_echo,load_cpu_s,syscalls,syscalls_per_echo,syscall_method,
    # udp_rcvbuf_errors,load_average,round
    awk -v server="$server" -v kind="$kind" -v round="$round" -v c="$BUSY_CLIENTS" -v b="$BUSY_PAYLOAD" -v r="$rate" -v s="$seconds" \
        -v sys="$syscalls" -v method="$method" -v errors=$((errors_after - errors_before)) \
        -v load="$(cut -d' ' -f1 /proc/loadavg)" -v strace_s="$STRACE_SECONDS" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        cpu = v["server_cpu_s"]
        per_echo = ""
        if (sys != "" && v["echoed"] > 0) {
            per_echo = method ~ /^strace/ ? sprintf("%.3f", sys / (v["echoed_pps"] * strace_s)) : sprintf("%.3f", sys / v["echoed"])
        }
        printf "%s,%s,%d,%d,%d,%d,%.0f,%d,%.0f,%s,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%d,%s,%s\n", server, kind, c, b, r,
            v["sent"], v["send_pps"], v["echoed"], v["echoed_pps"], v["loss"], v["rtt_p50_ms"], v["rtt_p99_ms"],
            v["max_behind_ms"], v["connected"], cpu, (v["echoed"] > 0 && cpu != "" ? sprintf("%.2f", 1e6 * cpu / v["echoed"]) : ""),
            v["load_cpu_s"], sys, per_echo, method, errors, load, round
    }' <<<"$line" >>"$OUT/busy.csv"
}

# busy_server SERVER: the equal load and the syscall count, on one warmed server.
busy_server() {
    local server=$1
    busy_start "$server" "$OUT/busy-$server-server.txt" || return 0
    trap 'stop $busy_pid' EXIT
    # Warm-up: the JIT (ours), the caches and the socket buffers (both), at half the rate.
    c_load "$BUSY_PORT" $((BUSY_RATE / 2)) "$BUSY_WARM_SECONDS" >>"$OUT/busy-warmup.txt" || true
    busy_load "$server" equal "$BUSY_RATE" "$BUSY_SECONDS"
    # Syscalls in a run of their own: counting them costs the server a little per call, which the CPU figure of the
    # equal-load run should not carry.
    busy_load "$server" syscalls "$BUSY_RATE" "$SYSCALL_SECONDS" 1
    stop "$busy_pid"
    trap - EXIT
}

# busy_start_all LABEL PORT: every server of BUSY_SERVERS up at once, a port each from PORT, each warmed at half
# BUSY_RATE; those that cannot run here are left out. Sets up_servers, up_pids and up_ports, and up_next_port, the
# first port none of them holds. Global, not local: the EXIT trap (busy_stop_all) may run after the caller has
# returned (set -e).
busy_start_all() {
    local label=$1 server
    up_servers=() up_pids=() up_ports=() up_next_port=$2
    for server in $BUSY_SERVERS; do
        BUSY_PORT=$up_next_port busy_start "$server" "$OUT/busy-$label-$server-server.txt" || continue
        up_servers+=("$server") up_pids+=("$busy_pid") up_ports+=("$up_next_port")
        c_load "$up_next_port" $((BUSY_RATE / 2)) "$BUSY_WARM_SECONDS" >>"$OUT/busy-warmup.txt" || true
        up_next_port=$((up_next_port + 1))
    done
    trap busy_stop_all EXIT
}

# busy_stop_all: stops the servers of busy_start_all (and any the caller added to up_pids).
busy_stop_all() {
    local pid
    for pid in "${up_pids[@]}"; do stop "$pid"; done
    trap - EXIT
}

# busy_capacity: the capacity sweeps, interleaved. Every server of BUSY_SERVERS is up at once (a port each) and warmed;
# then CAP_ROUNDS rounds, in each of which every rate of CAP_RATES goes, in turn, to each warm server and to a fresh
# server of each kind (a new process, started for that run and stopped after it). Servers run on BUSY_SERVER_CPUS, the
# generator on BUSY_LOAD_CPUS, so that neither takes the other's core: the generator does per datagram what a server
# does, so on shared cores the cheaper server would leave it more CPU and the sweep would measure the generator.
# Interleaved because this machine's speed drifts over minutes (the same server's capacity moved by a whole step
# between runs minutes apart): a round puts every server through the same rate within the same minute or two.
busy_capacity() {
    local server i round rate
    busy_start_all cap $((BUSY_PORT + 20))
    for round in $(seq "$CAP_ROUNDS"); do
        for rate in $CAP_RATES; do
            for i in "${!up_servers[@]}"; do
                server=${up_servers[$i]}
                if [[ "${SKIP_CAP_WARM:-0}" != 1 ]]; then
                    BUSY_PORT=${up_ports[$i]} busy_pid=${up_pids[$i]} busy_load "$server" warm "$rate" \
                        "$CAP_SECONDS" 0 "$round"
                fi
                if [[ "${SKIP_CAP_FRESH:-0}" != 1 ]]; then
                    BUSY_PORT=$up_next_port busy_start "$server" "$OUT/busy-cap-$server-fresh-server.txt" || continue
                    up_pids+=("$busy_pid")
                    BUSY_PORT=$up_next_port busy_load "$server" fresh "$rate" "$CAP_SECONDS" 0 "$round"
                    stop "$busy_pid"
                    unset 'up_pids[-1]'
                fi
            done
        done
    done
    busy_stop_all
}

# busy_ab: every server of BUSY_SERVERS up at once (a port each) and warmed, then BUSY_AB_ROUNDS rounds in which
# each in turn gets BUSY_RATE for BUSY_AB_SECONDS: whatever else the machine does, or its clock speed, drifts over
# the minutes between the sequential runs above but hits every server of a round alike. CPU is split into user and
# system time (/proc/PID/stat); busy-ab.csv, and per server the median over the rounds with C / ours.
busy_ab() {
    local i round ticks
    busy_start_all ab $((BUSY_PORT + 10))
    ticks=$(getconf CLK_TCK)
    echo "round,server,echoed,loss_pct,user_s,system_s,server_cpu_us_per_echo,load_average,rtt_p50_ms,rtt_p99_ms" \
        >"$OUT/busy-ab.csv"
    for round in $(seq "$BUSY_AB_ROUNDS"); do
        for i in "${!up_servers[@]}"; do
            local before after line
            before=$(awk '{ print $14, $15 }' "/proc/${up_pids[$i]}/stat")
            line=$(c_load "${up_ports[$i]}" "$BUSY_RATE" "$BUSY_AB_SECONDS" "${up_pids[$i]}" || true)
            after=$(awk '{ print $14, $15 }' "/proc/${up_pids[$i]}/stat")
            awk -v r="$round" -v s="${up_servers[$i]}" -v b="$before" -v a="$after" -v t="$ticks" \
                -v load="$(cut -d' ' -f1 /proc/loadavg)" '{
                for (f = 1; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] }
                split(b, b2, " "); split(a, a2, " ")
                usr = (a2[1] - b2[1]) / t; sys = (a2[2] - b2[2]) / t
                printf "%d,%s,%d,%s,%.2f,%.2f,%.2f,%s,%s,%s\n", r, s, v["echoed"], v["loss"], usr, sys,
                    (v["echoed"] > 0 ? 1e6 * (usr + sys) / v["echoed"] : 0), load, v["rtt_p50_ms"], v["rtt_p99_ms"]
            }' <<<"$line" | tee -a "$OUT/busy-ab.csv"
        done
    done
    busy_stop_all
    python3 benchmarks/busy_summary.py --ab "$OUT/busy-ab.csv" | tee -a "$OUT/busy.md"
}

if [[ "${SKIP_BUSY:-0}" != 1 ]]; then
    NETCODE_C_SRC=${NETCODE_C_SRC:-$NETCODE_C_DIR}
    BUSY_BIN=$OUT/c-build
    BUSY_PORT=${BUSY_PORT:-40104}
    BUSY_SERVERS=${BUSY_SERVERS:-c native nio epoll}
    BUSY_CLIENTS=${BUSY_CLIENTS:-128}
    BUSY_PAYLOAD=${BUSY_PAYLOAD:-200}
    BUSY_RATE=${BUSY_RATE:-64000}
    BUSY_SECONDS=${BUSY_SECONDS:-10}
    BUSY_WARM_SECONDS=${BUSY_WARM_SECONDS:-5}
    BUSY_AB_ROUNDS=${BUSY_AB_ROUNDS:-5}
    BUSY_AB_SECONDS=${BUSY_AB_SECONDS:-5}
    CAP_SECONDS=${CAP_SECONDS:-5}
    CAP_RATES=${CAP_RATES:-80000 96000 112000 128000}
    CAP_ROUNDS=${CAP_ROUNDS:-3}
    # One core for the servers, the rest for the generator (none pinned on a single core, or with BUSY_PIN=0).
    if [[ ${BUSY_PIN:-1} == 1 && $(nproc) -ge 2 ]]; then
        BUSY_SERVER_CPUS=${BUSY_SERVER_CPUS-0}
        BUSY_LOAD_CPUS=${BUSY_LOAD_CPUS-$( (($(nproc) == 2)) && echo 1 || echo "1-$(($(nproc) - 1))")}
    else
        BUSY_SERVER_CPUS='' BUSY_LOAD_CPUS=''
    fi
    ON_SERVER_CPUS=() ON_LOAD_CPUS=()
    [[ -n $BUSY_SERVER_CPUS ]] && ON_SERVER_CPUS=(taskset -c "$BUSY_SERVER_CPUS")
    [[ -n $BUSY_LOAD_CPUS ]] && ON_LOAD_CPUS=(taskset -c "$BUSY_LOAD_CPUS")
    C_IDLE=${C_IDLE:-poll}
    SYSCALL_SECONDS=${SYSCALL_SECONDS:-5}
    STRACE_SECONDS=${STRACE_SECONDS:-3}
    echo "== busy: ours (${BUSY_SERVERS}) against the C reference's busy loop, $BUSY_CLIENTS clients x $BUSY_PAYLOAD B," \
        "equal load $BUSY_RATE pps for $BUSY_SECONDS s, capacity over $CAP_RATES pps ($CAP_SECONDS s each," \
        "$CAP_ROUNDS rounds); servers on CPUs ${BUSY_SERVER_CPUS:-any}, generator on ${BUSY_LOAD_CPUS:-any}"
    if ! busy_build; then
        echo "busy: skipped, no C reference source at $NETCODE_C_SRC (netcode.c, sodium/; BENCHMARKS.md says where from)"
    else
        if [[ -n ${SYSCALL_COUNTER:-} ]]; then
            : # chosen by the caller
        elif perf stat -e raw_syscalls:sys_enter -o /dev/null -- true 2>/dev/null; then
            SYSCALL_COUNTER=perf
        elif command -v strace >/dev/null; then
            SYSCALL_COUNTER=strace
        else
            SYSCALL_COUNTER=none
        fi
        CLI_HAS_TRANSPORT=0
        # (Its usage, whole: grep -q on a pipe would end java early, which pipefail reports as a failure.)
        [[ $(java -jar "$SERVER_CLI_JAR" server 2>&1 || true) == *--transport* ]] && CLI_HAS_TRANSPORT=1
        # Without the CLI's --transport, epoll runs in TransportEchoServer: the epoll module's jar and Netty beside the
        # benchmarks jar.
        EPOLL_CLASSPATH=${EPOLL_CLASSPATH:-}
        if [[ $CLI_HAS_TRANSPORT == 0 && -z $EPOLL_CLASSPATH ]] && ls netcode-transport-epoll/target/netcode-transport-epoll-*.jar >/dev/null 2>&1; then
            ./mvnw -B -q -o dependency:build-classpath -pl netcode-transport-epoll -Dmdep.includeScope=runtime \
                -Dmdep.outputFile="$(cd "$OUT" && pwd)/.epoll-cp" >/dev/null 2>&1 || true
            EPOLL_CLASSPATH=$(ls netcode-transport-epoll/target/netcode-transport-epoll-*[0-9T].jar | head -1)
            [[ -f "$OUT/.epoll-cp" ]] && EPOLL_CLASSPATH="$EPOLL_CLASSPATH:$(tr ':' '\n' <"$OUT/.epoll-cp" | grep '/io/netty/' | paste -sd:)"
        fi
        echo "busy: syscalls counted with $SYSCALL_COUNTER; CLI server --transport: $([[ $CLI_HAS_TRANSPORT == 1 ]] && echo yes || echo "no (epoll through TransportEchoServer)")" \
            | tee -a "$OUT/machine.txt"
        echo "server,kind,clients,payload_bytes,offered_pps,sent,send_pps,echoed,echoed_pps,loss_pct,rtt_p50_ms,rtt_p99_ms,max_behind_ms,connected,server_cpu_s,server_cpu_us_per_echo,load_cpu_s,syscalls,syscalls_per_echo,syscall_method,udp_rcvbuf_errors,load_average,round" \
            >"$OUT/busy.csv"
        if [[ ${SKIP_BUSY_RUNS:-0} != 1 ]]; then
            for server in $BUSY_SERVERS; do
                busy_server "$server"
            done
        fi
        [[ $BUSY_AB_ROUNDS -gt 0 ]] && busy_ab
        [[ $CAP_ROUNDS -gt 0 ]] && busy_capacity
        python3 benchmarks/busy_summary.py "$OUT/busy.csv" | tee -a "$OUT/busy.md"
    fi
fi

# message_load NAME PID PORT CLIENTS RATE DROP [LOAD FLAGS...]: one load run of the message part; appends a row to
# messages.csv. DROP is the --drop-percent injected at the clients (0: none). Exit status 0 when saturated: on raw
# payloads and the unreliable channel, loss more than 1 % above what the injected drops explain (1 - (1 - DROP)^2); on
# the reliable channel, a message not back, a send refused, or a median delivery latency above 100 ms.
message_load() {
    local name=$1 pid=$2 port=$3 clients=$4 rate=$5 drop=$6 before after line drop_flags=()
    shift 6
    [[ $drop != 0 ]] && drop_flags=(--drop-percent "$drop")
    before=$(cpu_seconds "$pid")
    line=$(java -jar "$CLI_JAR" load --server "127.0.0.1:$port" --key "$KEY" --protocol "$PROTOCOL" \
        --clients "$clients" --rate "$rate" --seconds "$MSG_SECONDS" --payload-bytes 100 "${drop_flags[@]}" "$@" \
        2>>"$OUT/load-stderr.txt" || true)
    after=$(cpu_seconds "$pid")
    echo "$name clients=$clients rate=$rate drop=$drop $line server_cpu_s=$(awk -v a="$after" -v b="$before" \
        'BEGIN { printf "%.2f", a - b }')" | tee -a "$OUT/messages.txt"
    # run,clients,connected,rate,drop_pct,offered_mps,sent,echoed,echoed_mps,loss_pct,p50_ms,p99_ms,refused,resent,server_cpu_s,server_cpu_us_per_message
    awk -v name="$name" -v c="$clients" -v r="$rate" -v d="$drop" -v a="$after" -v b="$before" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        cpu = a - b
        printf "%s,%d,%d,%d,%s,%d,%d,%d,%.0f,%s,%s,%s,%d,%d,%.2f,%.2f\n", name, c, v["connected"], r, d,
            v["connected"] * r, v["sent"], v["echoed"], v["pps"], v["loss"], v["rtt_p50_ms"], v["rtt_p99_ms"],
            v["refused"], v["resent"], cpu, (v["echoed"] > 0 ? 1e6 * cpu / v["echoed"] : 0)
    }' <<<"$line" >>"$OUT/messages.csv"
    awk -v c="$clients" -v d="$drop" -v name="$name" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        expected = 100 * (1 - (1 - d / 100) ^ 2)
        if (name ~ /^reliable/) { saturated = v["echoed"] < v["sent"] || v["refused"] > 0 || v["rtt_p50_ms"] > 100 }
        else { saturated = v["loss"] > expected + 1.0 }
        exit !(saturated || v["connected"] < c) }' <<<"$line"
}

if [[ "${SKIP_MESSAGES:-0}" != 1 ]]; then
    echo "== messages (100-byte messages, ${MSG_SECONDS} s per run; raw payloads, unreliable and reliable-ordered channels)"
    echo "run,clients,connected,rate,drop_pct,offered_mps,sent,echoed,echoed_mps,loss_pct,p50_ms,p99_ms,refused,resent,server_cpu_s,server_cpu_us_per_message" \
        >"$OUT/messages.csv"
    java -jar "$CLI_JAR" server --bind "127.0.0.1:$RAW_PORT" --key "$KEY" --protocol "$PROTOCOL" --max-clients 256 \
        --seconds 0 >"$OUT/raw-server.txt" 2>&1 &
    raw_pid=$!
    java -jar "$CLI_JAR" server --bind "127.0.0.1:$MSG_PORT" --key "$KEY" --protocol "$PROTOCOL" --max-clients 256 \
        --seconds 0 --channels >"$OUT/channels-server.txt" 2>&1 &
    msg_pid=$!
    trap 'stop $raw_pid; stop $msg_pid' EXIT
    wait_for "$OUT/raw-server.txt" listening
    wait_for "$OUT/channels-server.txt" listening
    MSG_SECONDS=5 message_load warmup-raw "$raw_pid" "$RAW_PORT" 64 60 0 >/dev/null || true
    MSG_SECONDS=5 message_load warmup-reliable-ordered "$msg_pid" "$MSG_PORT" 64 60 0 --channel reliable-ordered \
        >/dev/null || true
    # The same loads back to back on each path, so that they see the same neighbours.
    for rate in $MSG_RATES; do
        for drop in $MSG_DROPS; do
            message_load raw "$raw_pid" "$RAW_PORT" "$MSG_CLIENTS" "$rate" "$drop" || true
            message_load unreliable "$msg_pid" "$MSG_PORT" "$MSG_CLIENTS" "$rate" "$drop" --channel unreliable || true
            message_load reliable-ordered "$msg_pid" "$MSG_PORT" "$MSG_CLIENTS" "$rate" "$drop" \
                --channel reliable-ordered || true
        done
    done
    # Saturation, for each injected loss: each rate on both paths, back to back, until both are saturated.
    for drop in $MSG_DROPS; do
        raw_done=0
        reliable_done=0
        for rate in $MSG_SWEEP_RATES; do
            if [[ $raw_done == 0 ]] && message_load raw "$raw_pid" "$RAW_PORT" "$MSG_CLIENTS" "$rate" "$drop"; then
                raw_done=1
            fi
            if [[ $reliable_done == 0 ]] && message_load reliable-ordered "$msg_pid" "$MSG_PORT" "$MSG_CLIENTS" "$rate" \
                "$drop" --channel reliable-ordered; then
                reliable_done=1
            fi
            [[ $raw_done == 1 && $reliable_done == 1 ]] && break
        done
    done
    stop "$raw_pid"
    stop "$msg_pid"
    trap - EXIT
    echo "== message table: $OUT/messages.csv"
    column -s, -t "$OUT/messages.csv"
fi
if [[ "${SKIP_FLEET:-0}" != 1 ]]; then
    echo "== fleet: tokens per second and latency per token, without a directory and with Redis"
    redis_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --loglevel warning \
        >"$OUT/redis.txt" 2>&1 &
    redis_pid=$!
    trap 'kill -KILL $redis_pid 2>/dev/null || true' EXIT
    for _ in $(seq 100); do
        redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
        sleep 0.1
    done
    # shellcheck disable=SC2086 # FLEET_ARGS is a list of arguments
    NETCODE_BENCH_REDIS="redis://127.0.0.1:$redis_port" java -jar "$BENCH_JAR" FleetTokenBenchmark -rf json \
        -rff "$OUT/fleet.json" ${FLEET_ARGS:-} >"$OUT/fleet.txt"
    # What Redis spent: the scripts' calls and microseconds per call, and its CPU time over the whole run.
    {
        redis-cli -p "$redis_port" INFO commandstats | grep -E 'cmdstat_(evalsha|eval):'
        echo "redis_cpu_s=$(ps -o cputimes= -p "$redis_pid" | tr -d ' ')"
    } | tee "$OUT/fleet-redis.txt"
    kill -KILL "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    trap - EXIT
    python3 benchmarks/fleet_summary.py "$OUT/fleet.json" | tee "$OUT/fleet.md"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo "results in $OUT"
