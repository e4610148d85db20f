#!/usr/bin/env python3
"""Summarises run.sh's busy part (busy.csv) as the Markdown tables of BENCHMARKS.md's end-to-end section.

usage: busy_summary.py busy.csv
       busy_summary.py --ab busy-ab.csv


Rows of kind 'equal' are the equal-load runs (one per server), 'syscalls' the run at the same load that counted the
server's syscalls; 'warm' and 'fresh' are the interleaved capacity runs, one per server, offered rate and round.
A capacity run passed when loss was at most 1 %, every client connected and the generator sent at least 99 % of the
rate; it failed on the server when more was lost or a client did not connect; when the generator sent less with at
most 1 % lost, it says nothing about the server (the generator's own ceiling). A server's capacity is the highest
offered rate at which it passed in every round, every lower rate too.
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


def span(values, pattern):
    low, high = min(values), max(values)
    return pattern.format(low) if low == high else pattern.format(low) + "–" + pattern.format(high)


def cell(runs):
    """One server, kind and rate over its rounds: how many passed, and what the others did."""
    if not runs:
        return ""
    verdicts = [verdict(r) for r in runs]
    text = f"{verdicts.count('pass')}/{len(runs)}"
    lost = [float(r["loss_pct"]) if number(r["loss_pct"]) is not None else 100.0
            for r, v in zip(runs, verdicts) if v == "lost"]
    short = [float(r["send_pps"]) / 1000 for r, v in zip(runs, verdicts) if v == "generator"]
    notes = []
    if lost:
        notes.append(f"lost {span(lost, '{:.1f}')} %")
    if short:
        notes.append(f"generator sent only {span(short, '{:.0f}')} k")
    worst = max(float(r["loss_pct"]) for r in runs if number(r["loss_pct"]) is not None) if not lost else None
    if worst is not None and not short:
        notes.append(f"worst loss {worst:.2f} %")
    return text + (" (" + "; ".join(notes) + ")" if notes else "")


def capacity(by_rate):
    """(highest rate passed in every round, every lower rate too, or None; the first rate that was not)."""
    best = None
    for rate in sorted(by_rate):
        if any(verdict(r) != "pass" for r in by_rate[rate]):
            return best, rate
        best = rate
    return best, None


def fmt(value, pattern):
    return "" if value is None else pattern.format(value)


def main(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
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
        rounds = len({r["round"] for r in rows if r["kind"] in ("warm", "fresh")})
        rates = sorted({rate for key in columns for rate in sweeps[key]})
        print(f"Capacity, interleaved over {rounds} rounds: rounds passed (≤ 1 % lost, every client connected, the"
              " generator sent ≥ 99 % of the rate).")
        print()
        print("| offered pps | " + " | ".join(f"{s}, {k}" for s, k in columns) + " |")
        print("|---:|" + "---|" * len(columns))
        for rate in rates:
            print(f"| {rate:,} | " + " | ".join(cell(sweeps[key].get(rate, [])) for key in columns) + " |")
        print()
        print("| server | capacity, warm | capacity, fresh |")
        print("|---|---:|---:|")
        for server in servers:
            cells = []
            for kind in ("warm", "fresh"):
                if (server, kind) not in sweeps:
                    cells.append("not run")
                    continue
                best, first_not = capacity(sweeps[(server, kind)])
                text = "none passed" if best is None else f"{best:,}"
                if first_not is not None:
                    runs = sweeps[(server, kind)][first_not]
                    failed = any(verdict(r) == "lost" for r in runs)
                    text += f" (at {first_not:,}: " + ("the server lost packets" if failed else "the generator's ceiling") + ")"
                cells.append(text)
            print(f"| {server} | " + " | ".join(cells) + " |")
        print()

    methods = {r["syscall_method"] for r in rows if r["syscall_method"]}
    loads = [number(r["load_average"]) for r in rows if number(r["load_average"]) is not None]
    print(f"Syscalls counted with: {', '.join(sorted(methods)) or 'nothing (neither perf nor strace worked)'}."
          + (f" 1-minute load average during the runs: {min(loads):.1f}–{max(loads):.1f}." if loads else ""))


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
        main(sys.argv[1])
