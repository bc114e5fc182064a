#!/usr/bin/env python3
"""attention-cli end to end (SPEC §2), for ctest: the native binary or, for the web build, node running
attention-cli.js. Standard library only.

  cli_driver.py malformed CASES.json  -- CLI...   every malformed case on `run -`: exit 2, empty stdout,
                                                  one stderr line ending in the pinned message
  cli_driver.py golden    CASES_DIR   -- CLI...   `run FILE` on every golden case's scenario, 1e-9 of PyTorch
  cli_driver.py commands              -- CLI...   `backends`, `bench`, bad arguments, FILE of every kind
                                                  (directory, /dev/zero, endless stdin), unwritable output
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr)


def run(cli, args, stdin=b""):
    return subprocess.run(cli + args, input=stdin, capture_output=True, timeout=300)


def expand(case):
    if "input" in case:
        return case["input"]
    return "".join(text * times for text, times in case["input_parts"])


def check_refusal(name, result, message=None):
    """Exit status 2, nothing on stdout, exactly one line on stderr (containing `message` if given)."""
    err = result.stderr.decode("utf-8", errors="replace")
    if result.returncode != 2:
        fail(f"{name}: exit status {result.returncode}, expected 2 (stderr: {err[:200]!r})")
    if result.stdout:
        fail(f"{name}: stdout not empty: {result.stdout[:200]!r}")
    if err.count("\n") != 1 or not err.endswith("\n"):
        fail(f"{name}: stderr is not one line: {err[:300]!r}")
    if message is not None and not err.rstrip("\n").endswith(message):
        fail(f"{name}: stderr {err[:300]!r} does not end with {message[:300]!r}")


def malformed(cases_file, cli):
    with open(cases_file, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    if len(cases) < 30:
        fail(f"only {len(cases)} malformed cases")
    for case in cases:
        expected = case.get("cli_error", case["error"])
        check_refusal(case["name"], run(cli, ["run", "-"], expand(case).encode("utf-8")), expected)
    return len(cases)


def rel_err(got, want):
    """Normwise: max|a - r| / max|r| (absolute when the reference is all zero); inf on a shape mismatch."""
    if len(got) != len(want) or any(len(a) != len(b) for a, b in zip(got, want)):
        return math.inf
    diff = max((abs(a - b) for ra, rb in zip(got, want) for a, b in zip(ra, rb)), default=0.0)
    scale = max((abs(b) for rb in want for b in rb), default=0.0)
    return diff / scale if scale > 0 else diff


def golden(cases_dir, cli):
    names = sorted(n for n in os.listdir(cases_dir) if n.endswith(".json"))
    if len(names) < 50:
        fail(f"only {len(names)} golden cases in {cases_dir}")
    tolerance = 1e-9  # the double reference against PyTorch float64, through JSON text both ways
    scratch = tempfile.mkdtemp(prefix="ap_cli_golden_")
    for name in names:
        with open(os.path.join(cases_dir, name), encoding="utf-8") as f:
            case = json.load(f)
        expected = case["expected"]
        path = os.path.join(scratch, name)  # the scenario alone, as a user's file
        with open(path, "w", encoding="utf-8") as f:
            json.dump(case["scenario"], f)
        result = run(cli, ["run", path])
        if result.returncode != 0 or result.stderr:
            fail(f"{name}: exit status {result.returncode}, stderr {result.stderr[:300]!r}")
            continue
        if result.stdout.count(b"\n") != 1:
            fail(f"{name}: expected one line of JSON on stdout")
        trace = json.loads(result.stdout)
        if trace.get("backend") != "reference":
            fail(f"{name}: backend {trace.get('backend')!r}")
        pairs = [("output", trace["output"], expected["output"]), ("concat", trace["concat"], expected["concat"])]
        if len(trace["heads"]) != len(expected["heads"]):
            fail(f"{name}: {len(trace['heads'])} heads, expected {len(expected['heads'])}")
            continue
        for h, (got, want) in enumerate(zip(trace["heads"], expected["heads"])):
            for key in ("q", "k", "v", "scores", "weights", "output"):
                pairs.append((f"heads[{h}].{key}", got[key], want[key]))
            if "scaled" not in got:
                fail(f"{name}: heads[{h}] has no scaled")
        for what, got, want in pairs:
            err = rel_err(got, want)
            if not err <= tolerance:
                fail(f"{name}: {what} normwise relative error {err:.3g} > {tolerance}")
        if trace["diagnostics"]["empty_rows"] != expected["empty_rows"]:
            fail(f"{name}: empty rows {trace['diagnostics']['empty_rows']} != {expected['empty_rows']}")
    shutil.rmtree(scratch)
    return len(names)


def commands(cli):
    checks = 0
    # backends: one name a line, reference among them
    result = run(cli, ["backends"])
    lines = result.stdout.decode().splitlines()
    if result.returncode != 0 or "reference" not in lines or any(not l or " " in l for l in lines):
        fail(f"backends: exit {result.returncode}, output {result.stdout[:200]!r}")
    checks += 1
    # bench: one JSON line per backend with the SPEC's keys, accurate against the reference
    result = run(cli, ["bench", "--n", "33", "--d-model", "24", "--heads", "3", "--repeat", "1"])
    if result.returncode != 0:
        fail(f"bench: exit {result.returncode}, stderr {result.stderr[:300]!r}")
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    if [r.get("backend") for r in rows] != lines:
        fail(f"bench: backends {[r.get('backend') for r in rows]}, expected {lines}")
    keys = {"backend", "n", "d_model", "heads", "ms_median", "gflops", "max_rel_err"}
    for r in rows:
        if not keys <= set(r):
            fail(f"bench: {r} lacks {keys - set(r)}")
            continue
        if (r["n"], r["d_model"], r["heads"]) != (33, 24, 3):
            fail(f"bench: wrong sizes in {r}")
        if not (isinstance(r["ms_median"], (int, float)) and r["ms_median"] >= 0 and r["gflops"] > 0):
            fail(f"bench: bad timing in {r}")
        if not (isinstance(r["max_rel_err"], (int, float)) and r["max_rel_err"] <= 1e-5):
            fail(f"bench: max_rel_err {r['max_rel_err']} of {r['backend']} over 1e-5")
    checks += 1
    # --backends picks, and a float backend's run works
    result = run(cli, ["bench", "--n", "7", "--d-model", "6", "--heads", "2", "--repeat", "2", "--backends", lines[-1]])
    if result.returncode != 0 or len(result.stdout.decode().splitlines()) != 1:
        fail(f"bench --backends {lines[-1]}: exit {result.returncode}, {result.stdout[:200]!r}")
    scenario = b'{"version": 1, "x": [[1, 0], [0, 1], [1, 1]], "mask": "causal"}'
    for backend in lines:
        result = run(cli, ["run", "-", "--backend", backend], scenario)
        if result.returncode != 0 or json.loads(result.stdout)["backend"] != backend:
            fail(f"run --backend {backend}: exit {result.returncode}, stderr {result.stderr[:200]!r}")
    checks += 2
    # bad arguments: exit 2 and one line on stderr, never a crash
    bad = [
        (["run", "-", "--backend", "nope"], scenario, '--backend: unknown backend "nope" (see `attention-cli backends`)'),
        (["run", "/nonexistent/scenario.json"], b"", 'FILE: cannot open "/nonexistent/scenario.json" (No such file or directory)'),
        (["bench", "--backends", "reference", "--n", "65536"], b"",
         "--backends: the reference backend (plain loops in double) is benchmarked up to --n 8192; "
         "at 65536 tokens it would run for hours (leave it out of --backends)"),
        (["bench", "--n", "0"], b"", "--n: expected 1 to 65536"),
        (["bench", "--d-model", "10", "--heads", "3"], b"", "--heads: expected a divisor of --d-model"),
        (["bench", "--backends", "reference,nope"], b"", '--backends: unknown backend "nope"'),
        (["bench", "--repeat", "abc"], b"", None),
        ([], b"", None),
        (["frobnicate"], b"", None),
    ]
    for args, stdin, message in bad:
        check_refusal("attention-cli " + " ".join(args), run(cli, args, stdin), message)
        checks += 1
    checks += inputs_and_outputs(cli, scenario)
    return checks


def inputs_and_outputs(cli, scenario):
    """FILE of every kind (a directory, a device that never ends, an endless pipe) and an output that cannot be
    written: each refused with exit status 2 and a line naming what went wrong, the input read no further
    than the 64 MiB limit."""
    limit = "holds more than 67108864 bytes, the limit of a scenario (reading stopped there)"
    scratch = tempfile.mkdtemp(prefix="ap_cli_inputs_")
    check_refusal("run DIRECTORY", run(cli, ["run", scratch]),
                  f'FILE: "{scratch}" is a directory (expected a scenario JSON file)')
    big = os.path.join(scratch, "big.json")
    with open(big, "wb") as f:
        f.truncate(64 * 1024 * 1024 + 1)  # sparse: one byte over the limit, refused before reading
    check_refusal("run a file over the limit", run(cli, ["run", big]),
                  f'FILE: "{big}" is 67108865 bytes, over the limit of 67108864 for a scenario')
    shutil.rmtree(scratch)
    check_refusal("run /dev/zero", run(cli, ["run", "/dev/zero"]), 'FILE: "/dev/zero" ' + limit)
    # an endless standard input: written until the CLI stops reading (it must, at the limit) and exits
    process = subprocess.Popen(cli + ["run", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    chunk = b"[" * (1 << 20)
    written = 0
    try:
        while written < (256 << 20):
            process.stdin.write(chunk)
            written += len(chunk)
    except BrokenPipeError:
        pass
    out, err = process.communicate(timeout=120)  # closes standard input
    check_refusal("run - (endless)", subprocess.CompletedProcess(process.args, process.returncode, out, err),
                  "FILE: standard input " + limit)
    if written >= (256 << 20):
        fail(f"run - (endless): took all {written} bytes instead of stopping at the limit")
    # an output that cannot be written: exit status 2, not 0
    with open("/dev/full", "wb") as full:
        for args, stdin in ((["run", "-"], scenario), (["backends"], b"")):
            result = subprocess.run(cli + args, input=stdin, stdout=full, stderr=subprocess.PIPE, timeout=300)
            name = "attention-cli " + " ".join(args) + " > /dev/full"
            check_refusal(name, subprocess.CompletedProcess(result.args, result.returncode, b"", result.stderr))
            # natively the reason follows: " (No space left on device)"; node's stdout does not say why
            if not result.stderr.startswith(b"attention-cli: cannot write the output to standard output"):
                fail(f"{name}: stderr {result.stderr[:300]!r}")
    return 6


def main(argv):
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    mode, params, cli = argv[1], argv[2:split], argv[split + 1:]
    if mode == "malformed":
        count = malformed(params[0], cli)
    elif mode == "golden":
        count = golden(params[0], cli)
    elif mode == "commands":
        count = commands(cli)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"{mode}: {count} checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
