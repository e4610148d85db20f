#!/usr/bin/env python3
"""Prints the fleet benchmark (FleetTokenBenchmark, JMH JSON) as a Markdown table: tokens per second (Throughput
mode) and latency per token p50/p99 (SampleTime mode) for each directory and fleet size, with the added latency
against `none` in the same run.

Usage: fleet_summary.py RESULTS.json
"""
import json
import sys


def main(path):
    with open(path) as f:
        results = json.load(f)
    table = {}
    for result in results:
        params = result["params"]
        key = (params["directory"], int(params["servers"]))
        row = table.setdefault(key, {})
        primary = result["primaryMetric"]
        if result["mode"] == "thrpt":
            # ops/us over all threads -> tokens per second
            row["rate"] = primary["score"] * 1e6
        else:
            percentiles = primary["scorePercentiles"]
            row["p50"] = percentiles["50.0"]
            row["p99"] = percentiles["99.0"]
    print("| directory | servers | tokens/s (4 threads) | p50 µs | p99 µs | added p50 µs | added p99 µs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (directory, servers), row in sorted(table.items()):
        base = table.get(("none", servers), {})
        added50 = row.get("p50", 0) - base.get("p50", 0)
        added99 = row.get("p99", 0) - base.get("p99", 0)
        print(f"| {directory} | {servers} | {row.get('rate', 0):,.0f} | {row.get('p50', 0):.1f} | {row.get('p99', 0):.1f}"
              f" | {added50:.1f} | {added99:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1])
