#!/usr/bin/env python3
"""Summarises run.sh's busy part (busy.csv) as the Markdown tables of BENCHMARKS.md's end-to-end section.

usage: busy_summary.py busy.csv
       busy_summary.py --ab busy-ab.csv


Rows of kind 'equal' are the equal-load runs (one per server), 'syscalls' the run at the same load that counted the
server's syscalls; 'warm' and 'fresh' are the capacity sweeps, one row per
offered rate, in order, ending at the first rate that failed (loss above 1 %, a client not connected, or the
generator sending less than 99 % of the rate). Capacity is the highest offered rate that passed.
"""
import csv
import sys


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def passed(row):
    loss, sent_pps, offered = number(row["loss_pct"]), number(row["send_pps"]), number(row["offered_pps"])
    return (loss is not None and loss <= 1.0 and row["connected"] == row["clients"]
            and sent_pps is not None and sent_pps >= 0.99 * offered)


def why_failed(row):
    offered, sent_pps = number(row["offered_pps"]), number(row["send_pps"])
    if row["connected"] != row["clients"]:
        return f"{row['connected']}/{row['clients']} clients connected"
    if sent_pps is None or sent_pps < 0.99 * offered:
        return f"generator sent only {sent_pps or 0:,.0f} pps (up to {row['max_behind_ms']} ms late)"
    return f"loss {row['loss_pct']} % ({int(row['udp_rcvbuf_errors']):,} UDP receive-buffer drops on the machine)"


def capacity(rows):
    """(highest passing row or None, first failing row or None)."""
    best = None
    for row in rows:
        if not passed(row):
            return best, row
        best = row
    return best, None


def capacity_cell(rows):
    if not rows:
        return "not run", ""
    best, failure = capacity(rows)
    cell = "none passed" if best is None else f"{int(best['offered_pps']):,} ({float(best['echoed_pps']):,.0f} echoed)"
    limit = why_failed(failure) + f" at {int(failure['offered_pps']):,}" if failure else "passed every rate tried"
    return cell, limit


def fmt(value, pattern):
    return "" if value is None else pattern.format(value)


def main(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    servers = list(dict.fromkeys(r["server"] for r in rows))
    equal = {r["server"]: r for r in rows if r["kind"] == "equal"}
    syscalls = {r["server"]: r for r in rows if r["kind"] == "syscalls"}

    print("| server | offered pps | sent pps | echoed pps | loss | RTT p50 | RTT p99 | server CPU per echoed packet"
          " | syscalls per echo | capacity, warm (≤ 1 % loss) | capacity, fresh | what limited the capacity runs"
          " (warm; fresh) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    capacities = {}
    for server in servers:
        e = equal.get(server)
        warm_cell, warm_limit = capacity_cell([r for r in rows if r["server"] == server and r["kind"] == "warm"])
        fresh_cell, fresh_limit = capacity_cell([r for r in rows if r["server"] == server and r["kind"] == "fresh"])
        capacities[server] = tuple(capacity([r for r in rows if r["server"] == server and r["kind"] == k])[0]
                                   for k in ("warm", "fresh"))
        if e is None:
            cells = [""] * 8
        else:
            cells = [f"{int(e['offered_pps']):,}", f"{float(e['send_pps']):,.0f}", f"{float(e['echoed_pps']):,.0f}",
                     f"{e['loss_pct']} %",
                     f"{float(e['rtt_p50_ms']):.2f} ms", f"{float(e['rtt_p99_ms']):.1f} ms",
                     fmt(number(e["server_cpu_us_per_echo"]), "{:.2f} µs"),
                     fmt(number(syscalls[server]["syscalls_per_echo"]) if server in syscalls else None, "{:.2f}")]
        print(f"| {server} | " + " | ".join(cells + [warm_cell, fresh_cell, f"{warm_limit}; {fresh_limit}"]) + " |")

    c = equal.get("c")
    c_cpu = number(c["server_cpu_us_per_echo"]) if c else None
    print()
    print("| ours | C ÷ ours, CPU per echoed packet (target ≥ 1.3) | ours ÷ C, capacity warm | ours ÷ C, capacity fresh |")
    print("|---|---:|---:|---:|")
    for server in servers:
        if server == "c":
            continue
        e = equal.get(server)
        cpu = number(e["server_cpu_us_per_echo"]) if e else None
        ratio = fmt(c_cpu / cpu if c_cpu and cpu else None, "{:.2f}")
        cells = []
        for i in range(2):
            ours, theirs = capacities[server][i], capacities.get("c", (None, None))[i]
            cells.append(fmt(float(ours["offered_pps"]) / float(theirs["offered_pps"]) if ours and theirs else None,
                             "{:.2f}"))
        print(f"| {server} | {ratio} | {cells[0]} | {cells[1]} |")
    methods = {r["syscall_method"] for r in rows if r["syscall_method"]}
    loads = [number(r["load_average"]) for r in rows if number(r["load_average"]) is not None]
    print()
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
