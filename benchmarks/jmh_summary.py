#!/usr/bin/env python3
"""Prints a Markdown table from JMH JSON results (-rf json): for each benchmark and parameter set, the mean score with
its 99.9 % error, the best (lowest) measurement iteration, and the bytes allocated per operation (-prof gc).

On a shared 2-core machine the mean carries whatever the neighbours were doing at the time; the best iteration is the
closest to the undisturbed cost, so BENCHMARKS.md quotes both.

Usage: jmh_summary.py RESULTS.json [MORE.json ...]
"""
import json
import sys


def rows(path):
    with open(path) as f:
        for result in json.load(f):
            name = result["benchmark"].rsplit(".", 2)
            params = ",".join(f"{k}={v}" for k, v in sorted(result.get("params", {}).items()))
            primary = result["primaryMetric"]
            iterations = [value for fork in primary["rawData"] for value in fork]
            alloc = result.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
            yield (f"{name[-2]}.{name[-1]}", params, primary["score"], primary.get("scoreError"), min(iterations),
                   primary["scoreUnit"], alloc)


def main(paths):
    print("| benchmark | params | mean | ± | best iteration | unit | B/op |")
    print("|---|---|---:|---:|---:|---|---:|")
    for path in paths:
        for bench, params, score, error, best, unit, alloc in rows(path):
            # JMH writes the error as the string "NaN" when there was a single iteration.
            error_text = f"{error:.0f}" if isinstance(error, (int, float)) and error == error else ""
            alloc_text = "" if alloc is None else f"{alloc:.2f}"
            print(f"| {bench} | {params} | {score:.1f} | {error_text} | {best:.1f} | {unit} | {alloc_text} |")


if __name__ == "__main__":
    main(sys.argv[1:])
