#!/usr/bin/env python3
"""Gathers benchmark figures into one table and one results file, and compares two runs.

Every benchmark program writes a part, target/bench/parts/<benchmark>.json:

    {"benchmark": name,
     "figures": [{"name", "value", "unit", "limit", "goal", "notes"}, ...]}

(the contract is in docs/performance.md). This script turns the outputs of programs that do not
write parts themselves (JMH, the verify benchmark) into parts, then reads all parts, divides each
figure by the figure named as its limit, checks the goals and prints the table.

    figures.py jmh JMH_JSON PARTS_DIR
    figures.py verify VERIFY_JSON PARTS_DIR
    figures.py report --parts DIR --out DIR [--expected FILE] [--steps FILE] [--mode MODE]
    figures.py compare A.json B.json

Python 3 standard library only.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys

# --- turning other outputs into parts ------------------------------------------------------------

# Names and units of the JMH benchmarks in bench/src/main/java; any other JMH benchmark still gets
# a figure, named jmh.<Class>.<method>, in the unit JMH reports.
JMH_FIGURES = {
    "CryptoLimits.ed25519Sign": (
        "ed25519.sign.1_core.per_s", "signatures/s",
        "Ed25519Primitives.sign(seed, publicKey, msg), 65-byte entry signature messages"),
    "CryptoLimits.ed25519VerifyKeyAsBytes": (
        "ed25519.verify_key_bytes.1_core.per_s", "verifications/s",
        "Ed25519Primitives.verify: the 32-byte key decoded on every call"),
    "CryptoLimits.ed25519VerifyKeyDecoded": (
        "ed25519.verify_key_decoded.1_core.per_s", "verifications/s",
        "Bouncy Castle verify with the key decoded once (validatePublicKeyPartialExport)"),
    "CryptoLimits.ed25519BatchVerify": (
        "ed25519.batch_verify_128.1_core.per_s", "signatures/s",
        "Ed25519Batch, a full batch of one key's signatures (ADR 0007), per signature"),
    "CryptoLimits.sha256Entry": (
        "sha256.entry_500_bytes.1_core.per_s", "hashes/s",
        "MessageDigest SHA-256 of a 500-byte entry, instance reused"),
}


def jmh_part(jmh_json, parts_dir):
    with open(jmh_json) as f:
        results = json.load(f)
    figures = []
    for result in results:
        full = result["benchmark"]
        short = ".".join(full.split(".")[-2:])
        metric = result["primaryMetric"]
        unit = metric["scoreUnit"]
        name, notes = "jmh." + short, ""
        if short in JMH_FIGURES:
            name, unit, notes = JMH_FIGURES[short]
        threads = result.get("threads", 1)
        setting = "JMH %s, %d thread(s), %d fork(s), %d x %s warm-up, %d x %s" % (
            result.get("mode", "?"), threads, result.get("forks", 0),
            result.get("warmupIterations", 0), result.get("warmupTime", "?"),
            result.get("measurementIterations", 0), result.get("measurementTime", "?"))
        error = metric.get("scoreError")
        if isinstance(error, (int, float)) and not math.isnan(error):
            setting += "; +- %s (99.9%%)" % fmt(error)
        figures.append({
            "name": name, "value": metric["score"], "unit": unit, "limit": None, "goal": None,
            "notes": (notes + "; " if notes else "") + setting,
            "error": error if isinstance(error, (int, float)) else None,
            "samples": [x for fork in metric.get("rawData", []) for x in fork],
        })
    known = [name for name, _, _ in JMH_FIGURES.values()]
    figures.sort(key=lambda f: known.index(f["name"]) if f["name"] in known else len(known))
    write_part(parts_dir, {"benchmark": "crypto-limits", "figures": figures,
                           "jvm": results[0].get("vmVersion") if results else None})


def verify_part(verify_json, parts_dir):
    with open(verify_json) as f:
        v = json.load(f)
    events = v["events"]
    rate = v["verifierEventsPerSecond"]
    one = v["rawEd25519VerifyPerSecondOneCore"]
    batch = v["rawEd25519BatchVerifyPerSecondOneCore"]
    how = "ledger-audit verify of %s synthetic events, -Xmx256m, wall time of the process" % (
        fmt(events))
    sound = "sound" if v.get("sound") else "NOT SOUND (exit code %s)" % v.get("exitCode")
    figures = [
        fig("verify.events_per_s", rate, "events/s", "verify.2_cores.ed25519_verify_per_s",
            {"minRatio": 0.85}, how + "; " + sound),
        fig("verify.events_per_s.against_batch_limit", rate, "events/s",
            "verify.2_cores.ed25519_batch_verify_per_s", None,
            "the same rate against the batch limit, the honest ceiling since ADR 0007"),
        fig("verify.2_cores.ed25519_verify_per_s", 2 * one, "verifications/s", None, None,
            "2 x the faster single-core verify, measured by verify.sh in the same JVM just"
            " before the verifier ran"),
        fig("verify.2_cores.ed25519_batch_verify_per_s", 2 * batch, "signatures/s", None, None,
            "2 x single-core batch verify (full batches), measured by verify.sh in the same JVM"),
        fig("verify.2_threads.ed25519_verify_per_s", v["rawEd25519VerifyPerSecondTwoThreads"],
            "verifications/s", "verify.2_cores.ed25519_verify_per_s", None,
            "single verify on two threads: how much of two cores the machine gave just then"),
        fig("verify.sha256.1_core.per_s", v["rawSha256PerSecondOneCore"], "hashes/s", None, None,
            "SHA-256 of real entries of the synthetic ledger, one core"),
        fig("verify.wall_s", v["verifierWallSeconds"], "s", None, None, how),
        fig("verify.peak_rss_mb", max(v.get("peakRssBytesTime", 0), v.get("peakRssBytesProc", 0))
            / 1048576.0, "MB", None, None, "peak resident set of the verifier's process"),
        fig("verify.peak_heap_after_gc_mb", v.get("peakHeapAfterGcBytes", 0) / 1048576.0, "MB",
            None, None, "live heap after GC, peak, with -Xmx256m"),
    ]
    write_part(parts_dir, {"benchmark": "verify", "events": events, "sound": v.get("sound"),
                           "figures": figures, "raw": v})


def fig(name, value, unit, limit, goal, notes):
    return {"name": name, "value": value, "unit": unit, "limit": limit, "goal": goal,
            "notes": notes}


def write_part(parts_dir, part):
    os.makedirs(parts_dir, exist_ok=True)
    path = os.path.join(parts_dir, part["benchmark"] + ".json")
    with open(path, "w") as f:
        json.dump(part, f, indent=2)
        f.write("\n")
    print("figures written to " + path)


# --- the table -----------------------------------------------------------------------------------

def fmt(value):
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if abs(value) >= 100:
        return "{:,.0f}".format(value)
    if abs(value) >= 10:
        return "{:.1f}".format(value)
    return "{:.3g}".format(value)


def goal_text(goal):
    if not goal:
        return ""
    words = []
    for key, text in (("minRatio", ">= %s x limit"), ("maxRatio", "<= %s x limit"),
                      ("min", ">= %s"), ("max", "<= %s")):
        if goal.get(key) is not None:
            words.append(text % fmt(goal[key]))
    return " and ".join(words)


def goal_met(goal, value, ratio):
    """True or False when every condition could be checked; None when one could not."""
    checks = []
    for key, target in goal.items():
        if target is None:
            continue
        measured = ratio if key.endswith("Ratio") else value
        if measured is None:
            return None
        checks.append(measured >= target if key.startswith("min") else measured <= target)
    return all(checks) if checks else None


GOAL_WORDS = re.compile(
    r"^\s*(>=|<=)\s*([0-9][0-9_,.]*)\s*(x|of)?\s*(limit)?\s*([^\s]*)\s*$")


def parse_goal(goal):
    """A goal as an object. Parts may also write it as words, such as '>= 0.8 of limit and
    >= 5000 /s' or '<= 50 ms': a condition on the limit is a ratio, any other on the value."""
    if goal is None or isinstance(goal, dict):
        return goal
    parsed = {}
    for condition in str(goal).split(" and "):
        m = GOAL_WORDS.match(condition)
        if not m:
            raise ValueError("cannot read the goal %r" % goal)
        number = float(m.group(2).replace(",", "").replace("_", ""))
        ratio = m.group(4) == "limit"
        key = ("min" if m.group(1) == ">=" else "max") + ("Ratio" if ratio else "")
        parsed[key] = number
    return parsed


def load_parts(parts_dir):
    parts = []
    if os.path.isdir(parts_dir):
        for name in sorted(os.listdir(parts_dir)):
            if name.endswith(".json"):
                with open(os.path.join(parts_dir, name)) as f:
                    part = json.load(f)
                part.setdefault("benchmark", name[:-5])
                for figure in part.get("figures", []):
                    figure["goal"] = parse_goal(figure.get("goal"))
                parts.append(part)
    parts.sort(key=part_order)
    return parts


def part_order(part):
    """The limits first, then the command path by clients, then the rest by name."""
    name = part["benchmark"]
    order = ["crypto-limits", "postgres-limits"]
    if name in order:
        return (order.index(name), 0, name)
    clients = re.match(r"chain-overhead-(\d+)-clients$", name)
    if clients:
        return (2, int(clients.group(1)), name)
    return (3, 0, name)


def evaluate(parts, expected):
    """Every figure with its limit's value, its ratio and its goal's verdict, in table order."""
    defaults = {e["name"]: e for e in expected}
    figures, seen = [], {}
    for part in parts:
        for f in part.get("figures", []):
            f = dict(f)
            f["benchmark"] = part["benchmark"]
            d = defaults.get(f["name"], {})
            for key in ("unit", "limit", "notes"):
                if f.get(key) is None and d.get(key) is not None:
                    f[key] = d[key]
            goal = dict(d.get("goal") or {})
            goal.update(f.get("goal") or {})
            f["goal"] = goal or None
            if f["name"] in seen:
                f["name"] += " (again, from %s)" % part["benchmark"]
            seen[f["name"]] = f
            figures.append(f)
    for f in figures:
        limit = seen.get(f.get("limit")) if f.get("limit") else None
        f["limitValue"] = limit["value"] if limit else None
        if f.get("ratio") is None and limit and limit["value"]:
            f["ratio"] = f["value"] / limit["value"]
        if f.get("value") is None:
            f["status"] = "failed"
        elif f.get("limit") and limit is None:
            f["status"] = "limit not measured"
        else:
            f["status"] = ""
        if f.get("goal"):
            met = goal_met(f["goal"], f.get("value"), f.get("ratio"))
            f["goalMet"] = met
            if met is not None:
                f["status"] = "met" if met else "NOT met"
            elif not f["status"]:
                f["status"] = "unchecked"
    for e in expected:
        if e["name"] not in seen:
            f = {"name": e["name"], "value": None, "unit": e.get("unit"),
                 "limit": e.get("limit"), "limitValue": None, "ratio": None,
                 "goal": e.get("goal"), "notes": e.get("notes"), "benchmark": None,
                 "status": "not in this run"}
            limit = seen.get(e.get("limit")) if e.get("limit") else None
            if limit:
                f["limitValue"] = limit["value"]
            figures.append(f)
    return figures


def table(figures):
    header = ("figure", "value", "unit", "limit (figure divided by)", "limit value", "ratio",
              "goal", "status")
    rows, groups = [], []
    for f in figures:
        value = "-" if f["status"] == "not in this run" else fmt(f.get("value"))
        rows.append((f["name"], value, f.get("unit") or "", f.get("limit") or "",
                     fmt(f.get("limitValue")),
                     "" if f.get("ratio") is None else "%.2f" % f["ratio"],
                     goal_text(f.get("goal")), f["status"]))
        groups.append(f.get("benchmark") or "not in this run")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    right = {1, 4, 5}

    def line(row):
        return "  ".join(str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i])
                         for i, c in enumerate(row)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    previous = None
    for group, row in zip(groups, rows):
        if previous is not None and group != previous:
            out.append("")
        out.append(line(row))
        previous = group
    return "\n".join(out)


def machine():
    info = {"cores": os.cpu_count(), "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            models = [l.split(":", 1)[1].strip() for l in f if l.startswith("model name")]
        info["cpu"] = models[0] if models else None
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            info["memoryMB"] = int(f.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        info["java"] = java.stderr.strip().splitlines()[0] if java.stderr else None
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def git():
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
        return {"commit": commit or None, "dirty": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {}


def read_steps(path):
    steps = []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) >= 5:
                    steps.append({"step": cols[0], "seconds": float(cols[1]),
                                  "exitCode": int(cols[2]), "loadBefore": cols[3],
                                  "loadAfter": cols[4]})
    return steps


def report(args):
    expected = []
    if args.expected and os.path.exists(args.expected):
        with open(args.expected) as f:
            expected = json.load(f)["figures"]
    parts = load_parts(args.parts)
    figures = evaluate(parts, expected)
    steps = read_steps(args.steps)
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = args.stamp or now.strftime("%Y%m%dT%H%M%SZ")
    results = {
        "schema": 1,
        "started": args.started,
        "finished": now.isoformat(timespec="seconds"),
        "mode": args.mode,
        "git": git(),
        "machine": machine(),
        "steps": steps,
        "figures": [{k: f.get(k) for k in ("name", "value", "unit", "limit", "limitValue",
                                           "ratio", "goal", "goalMet", "status", "benchmark",
                                           "notes")} for f in figures],
        "parts": parts,
    }
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "results-%s.json" % stamp)
    for target in (path, os.path.join(args.out, "latest.json")):
        with open(target, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")

    m = results["machine"]
    print()
    print("Benchmark figures, %s run finished %s, %s cores (%s), commit %s%s" % (
        args.mode, results["finished"], m.get("cores"), m.get("cpu", "?"),
        (results["git"].get("commit") or "?")[:12],
        " + uncommitted changes" if results["git"].get("dirty") else ""))
    print("Ratios are measured side by side in this run; absolute values drift with the"
          " machine's load.")
    if steps:
        print("Steps: " + ", ".join(
            "%s %.0f s%s (load %s -> %s)" % (s["step"], s["seconds"],
                                              "" if s["exitCode"] == 0 else
                                              " FAILED(%d)" % s["exitCode"],
                                              s["loadBefore"].split()[0],
                                              s["loadAfter"].split()[0]) for s in steps))
    print()
    print(table(figures))
    print()
    print("Saved to %s (and latest.json)" % path)
    return 0


# --- comparing two runs --------------------------------------------------------------------------

def compare(args):
    with open(args.a) as f:
        a = json.load(f)
    with open(args.b) as f:
        b = json.load(f)
    fa = {f["name"]: f for f in a["figures"]}
    fb = {f["name"]: f for f in b["figures"]}
    names = [f["name"] for f in a["figures"]] + [n for n in fb if n not in fa]
    header = ("figure", "A value", "B value", "B/A", "A ratio", "B ratio", "B/A of ratios",
              "unit")
    rows = []
    for name in names:
        x, y = fa.get(name, {}), fb.get(name, {})
        if x.get("value") is None and y.get("value") is None:
            continue
        rows.append((
            name, fmt(x.get("value")), fmt(y.get("value")),
            quotient(y.get("value"), x.get("value")),
            "" if x.get("ratio") is None else "%.2f" % x["ratio"],
            "" if y.get("ratio") is None else "%.2f" % y["ratio"],
            quotient(y.get("ratio"), x.get("ratio")),
            x.get("unit") or y.get("unit") or ""))
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    print("A: %s (%s, %s, commit %s)" % (args.a, a.get("finished"), a.get("mode"),
                                         (a.get("git", {}).get("commit") or "?")[:12]))
    print("B: %s (%s, %s, commit %s)" % (args.b, b.get("finished"), b.get("mode"),
                                         (b.get("git", {}).get("commit") or "?")[:12]))
    print("B/A of values moves with the machine's load; B/A of ratios (each figure over its limit"
          " in its own run) is the comparison to trust.")
    print()
    for row in [header, ["-" * w for w in widths]] + rows:
        print("  ".join(c.ljust(widths[i]) if i in (0, 7) else c.rjust(widths[i])
                        for i, c in enumerate(row)).rstrip())
    return 0


def quotient(y, x):
    if y is None or x is None or x == 0:
        return ""
    return "%.2f" % (y / x)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("jmh", help="JMH's -rf json output to a part")
    p.add_argument("jmh_json")
    p.add_argument("parts")
    p = sub.add_parser("verify", help="VerifyBenchmark's JSON to a part")
    p.add_argument("verify_json")
    p.add_argument("parts")
    p = sub.add_parser("report", help="print the table and save the results")
    p.add_argument("--parts", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--expected")
    p.add_argument("--steps")
    p.add_argument("--mode", default="full")
    p.add_argument("--started")
    p.add_argument("--stamp")
    p = sub.add_parser("compare", help="figure-by-figure ratios between two results files")
    p.add_argument("a")
    p.add_argument("b")
    args = parser.parse_args(argv)
    if args.command == "jmh":
        jmh_part(args.jmh_json, args.parts)
    elif args.command == "verify":
        verify_part(args.verify_json, args.parts)
    elif args.command == "report":
        return report(args)
    elif args.command == "compare":
        return compare(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
