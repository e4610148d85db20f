#!/usr/bin/env python3
"""Summarises run.sh's busy part (busy.csv) as the Markdown tables of BENCHMARKS.md's end-to-end section.

usage: busy_summary.py busy.csv [more-busy.csv ...]
       busy_summary.py --ab busy-ab.csv


Rows of kind 'equal' are the equal-load runs (one per server), 'syscalls' the run at the same load that counted the
server's syscalls; 'warm' and 'fresh' are the interleaved capacity runs, one per server, offered rate and round.
Each capacity run is one of: passed (at most 1 % lost, every client connected, the generator sent at least 99 % of
the rate); lost (more than 1 % lost, or a client not connected: the server failed); or generator-limited (at most
1 % lost, but the generator could not send the whole rate: the server echoed what it got, and the run says only that
its ceiling is above what was sent). A server holds a rate unless it lost in most rounds there; its capacity is the
highest rate it held with at least one round passed, and the rates above that it held only generator-limited are
named too. A majority, not every round, because one round in three on this shared machine can lose a few per cent at
a rate the same server passes above and below.
"""
import csv
import sys


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def verdict(row):
    """'pass', 'lost' (the server failed) or 'generator' (the generator could not offer the rate)."""
    loss, sent_pps, offered = number(row["loss_pct"]), number(row["send_pps"]), number(row["offered_pps"])
    if loss is None or loss > 1.0 or row["connected"] != row["clients"]:
        return "lost"
    return "pass" if sent_pps is not None and sent_pps >= 0.99 * offered else "generator"


def cell(runs):
    """One server, kind and rate: each round's loss, with what the generator sent when it fell short; lost in bold."""
    parts = []
    for r in runs:
        kind, loss = verdict(r), number(r["loss_pct"])
        text = "?" if loss is None else f"{loss:.2f}"
        if kind == "lost":
            text = f"**{text}**"
        elif kind == "generator":
            text += f" ({float(r['send_pps']) / 1000:.0f} k sent)"
        parts.append(text)
    return " · ".join(parts)


def holds(runs):
    return sum(verdict(r) == "lost" for r in runs) * 2 <= len(runs)


def capacity(by_rate):
    """(highest rate held with a round passed, or None; the rates right above it held only generator-limited; the
    rates not held)."""
    best = None
    for rate in sorted(by_rate):
        if holds(by_rate[rate]) and any(verdict(r) == "pass" for r in by_rate[rate]):
            best = rate
    limited = []  # up to the first rate it did not hold: beyond that, a generator-limited run shows nothing
    for rate in sorted(by_rate):
        if best is not None and rate > best:
            if not holds(by_rate[rate]):
                break
            limited.append(rate)
    failed = [rate for rate in sorted(by_rate) if not holds(by_rate[rate])]
    return best, limited, failed


def fmt(value, pattern):
    return "" if value is None else pattern.format(value)


def main(paths):
    """Several files: their capacity rounds are pooled (a round per file and round), the other rows are the first's."""
    rows = []
    for index, path in enumerate(paths):
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                if r["kind"] in ("warm", "fresh"):
                    r["round"] = f"{index}.{r.get('round')}"
                    rows.append(r)
                elif index == 0:
                    rows.append(r)
    servers = list(dict.fromkeys(r["server"] for r in rows))
    equal = {r["server"]: r for r in rows if r["kind"] == "equal"}
    syscalls = {r["server"]: r for r in rows if r["kind"] == "syscalls"}
    sweeps = {}  # (server, kind) -> rate -> rows
    for r in rows:
        if r["kind"] in ("warm", "fresh"):
            sweeps.setdefault((r["server"], r["kind"]), {}).setdefault(int(r["offered_pps"]), []).append(r)

    c = equal.get("c")
    c_cpu = number(c["server_cpu_us_per_echo"]) if c else None
    if equal:
        print("| server | offered pps | sent pps | echoed pps | loss | RTT p50 | RTT p99 | server CPU per echoed packet"
              " | C ÷ ours | syscalls per echo |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for server in servers:
            e = equal.get(server)
            if e is None:
                continue
            cpu = number(e["server_cpu_us_per_echo"])
            cells = [f"{int(e['offered_pps']):,}", f"{float(e['send_pps']):,.0f}", f"{float(e['echoed_pps']):,.0f}",
                     f"{e['loss_pct']} %", f"{float(e['rtt_p50_ms']):.2f} ms", f"{float(e['rtt_p99_ms']):.1f} ms",
                     fmt(cpu, "{:.2f} µs"),
                     fmt(c_cpu / cpu if c_cpu and cpu and server != "c" else None, "{:.2f}"),
                     fmt(number(syscalls[server]["syscalls_per_echo"]) if server in syscalls else None, "{:.2f}")]
            print(f"| {server} | " + " | ".join(cells) + " |")
        print()

    columns = [key for key in ((s, k) for k in ("warm", "fresh") for s in servers) if key in sweeps]
    if columns:
        # busy.csv files from before the interleaved sweeps have no round column: one sweep each, one "round".
        rounds = len({r.get("round") for r in rows if r["kind"] in ("warm", "fresh")})
        rates = sorted({rate for key in columns for rate in sweeps[key]})
        print(f"Capacity, interleaved over {rounds} rounds: loss per round in %, **bold** where the server lost more"
              " than 1 %, '(N k sent)' where the generator could not send the whole rate.")
        print()
        print("| offered pps | " + " | ".join(f"{s}, {k}" for s, k in columns) + " |")
        print("|---:|" + "---|" * len(columns))
        for rate in rates:
            print(f"| {rate:,} | " + " | ".join(cell(sweeps[key].get(rate, [])) for key in columns) + " |")
        print()
        print("| server | capacity, warm | capacity, fresh |")
        print("|---|---|---|")
        for server in servers:
            cells = []
            for kind in ("warm", "fresh"):
                if (server, kind) not in sweeps:
                    cells.append("not run")
                    continue
                best, limited, failed = capacity(sweeps[(server, kind)])
                text = "none held" if best is None else f"{best:,}"
                if limited:
                    sent = [float(r["send_pps"]) for rate in limited for r in sweeps[(server, kind)][rate]
                            if verdict(r) != "lost"]
                    text += (f"; held {', '.join(f'{rate:,}' for rate in limited)} as far as the generator could send"
                             f" (up to {max(sent) / 1000:.0f} k)")
                if failed:
                    text += f"; lost in most rounds at {', '.join(f'{rate:,}' for rate in failed)}"
                cells.append(text)
            print(f"| {server} | " + " | ".join(cells) + " |")
        print()

    methods = {r["syscall_method"] for r in rows if r["syscall_method"]}
    loads = [number(r["load_average"]) for r in rows if number(r["load_average"]) is not None]
    counted = (f"Syscalls counted with: {', '.join(sorted(methods)) or 'nothing (neither perf nor strace worked)'}. "
               if syscalls else "")
    print(counted + (f"1-minute load average during the runs: {min(loads):.1f}–{max(loads):.1f}." if loads else ""))


def main_ab(path):
    """The interleaved rounds: per server the median CPU per echo (user + system) and C / ours on those medians."""
    rows = list(csv.DictReader(open(path)))
    servers = list(dict.fromkeys(r["server"] for r in rows))

    def median(values):
        values = sorted(values)
        return values[len(values) // 2] if values else None

    per_echo, split, losses, p50, p99 = {}, {}, {}, {}, {}
    for server in servers:
        mine = [r for r in rows if r["server"] == server and int(r["echoed"]) > 0]
        per_echo[server] = median([float(r["server_cpu_us_per_echo"]) for r in mine])
        user = sum(float(r["user_s"]) for r in mine)
        system = sum(float(r["system_s"]) for r in mine)
        split[server] = 100 * system / (user + system) if user + system else None
        losses[server] = max((float(r["loss_pct"]) for r in mine), default=None)
        # Older busy-ab.csv files have no RTT columns.
        p50[server] = median([number(r["rtt_p50_ms"]) for r in mine if number(r.get("rtt_p50_ms")) is not None])
        p99[server] = median([number(r["rtt_p99_ms"]) for r in mine if number(r.get("rtt_p99_ms")) is not None])
    rounds = len({r["round"] for r in rows})
    c = per_echo.get("c")
    print()
    print(f"Interleaved: {rounds} rounds, every server up at once and loaded in turn.")
    print()
    print("| server | CPU per echoed packet, median | of it in the kernel | worst loss of a round | RTT p50 / p99, median "
          "| C ÷ ours |")
    print("|---|---:|---:|---:|---:|---:|")
    for server in servers:
        ratio = fmt(c / per_echo[server] if c and per_echo[server] and server != "c" else None, "{:.2f}")
        print(f"| {server} | {fmt(per_echo[server], '{:.2f} µs')} | {fmt(split[server], '{:.0f} %')} "
              f"| {fmt(losses[server], '{:.2f} %')} | {fmt(p50[server], '{:.2f}')} / {fmt(p99[server], '{:.2f} ms')} "
              f"| {ratio} |")
    loads = [number(r["load_average"]) for r in rows if number(r["load_average"]) is not None]
    if loads:
        print()
        print(f"1-minute load average during the rounds: {min(loads):.1f}–{max(loads):.1f}.")


if __name__ == "__main__":
    if sys.argv[1] == "--ab":
        main_ab(sys.argv[2])
    else:
        main(sys.argv[1:])
