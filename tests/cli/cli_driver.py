#!/usr/bin/env python3
"""attention-cli end to end (SPEC §2), for ctest: the native binary or, for the web build, node running
attention-cli.js. Standard library only.

  cli_driver.py malformed CASES.json  -- CLI...   every malformed case on `run -`: exit 2, empty stdout,
                                                  one stderr line ending in the pinned message
  cli_driver.py golden    CASES_DIR   -- CLI...   `run FILE --backend B` on every golden case's scenario and every
                                                  backend: the reference to 1e-9 of PyTorch, float backends to
                                                  1e-5 (1e-4 for large magnitudes), a precision case to a few
                                                  units of its format; nulls (overflows) in the same cells.
                                                  `golden CASES_DIR variants`: the float backends only on the
                                                  cases with SPEC 1b fields (the reference on all), for node,
                                                  where each run starts a WebAssembly module
  cli_driver.py commands              -- CLI...   `backends`, `bench`, bad arguments
  cli_driver.py grad      CASES_DIR   -- CLI...   `grad FILE` on every golden gradient case (reference 1e-9 and
                                                  simd/tiled 1e-4 of torch.autograd), refusals
  cli_driver.py train                 -- CLI...   `train --list`, `train` of every task to its threshold, refusals
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
        check_refusal(case["name"], run(cli, ["run", "-"], expand(case).encode("utf-8")), case["error"])
    return len(cases)


def rel_err(got, want):
    """Normwise over the finite cells: max|a - r| / max|r| (absolute when the reference is all zero); inf on a shape
    mismatch or where one has null (a non-finite cell, JSON has no inf or NaN) and the other a number."""
    if len(got) != len(want) or any(len(a) != len(b) for a, b in zip(got, want)):
        return math.inf
    pairs = [(a, b) for ra, rb in zip(got, want) for a, b in zip(ra, rb)]
    if any((a is None) != (b is None) for a, b in pairs):
        return math.inf
    pairs = [(a, b) for a, b in pairs if b is not None]
    diff = max((abs(a - b) for a, b in pairs), default=0.0)
    scale = max((abs(b) for _, b in pairs), default=0.0)
    return diff / scale if scale > 0 else diff


def golden_tolerance(name, scenario, backend):
    """The reference: 1e-9 (float64 both sides, through JSON text). Float backends: 1e-5, and 1e-4 downstream of
    the scores of large_magnitude_* (see tests/golden/golden_test.cpp). A precision case is torch in float32 with
    the format's rounding: fp32 1e-5, fp16 4 * 2^-11, bf16 2 * 2^-8 (a cell may land one unit of the format apart)."""
    precision = scenario.get("precision")
    if precision is not None:
        return {"fp32": 1e-5, "fp16": 4 * 2.0 ** -11, "bf16": 2 * 2.0 ** -8}[precision]
    if backend == "reference":
        return 1e-9
    return 1e-4 if name.startswith("large_magnitude") else 1e-5


VARIANT_FIELDS = ("kv_heads", "alibi", "softcap", "sinks", "mask_fill", "precision")


def golden(cases_dir, cli, float_backends_on="all"):
    names = sorted(n for n in os.listdir(cases_dir) if n.endswith(".json"))
    if len(names) < 75:
        fail(f"only {len(names)} golden cases in {cases_dir}")
    backends = run(cli, ["backends"]).stdout.decode().split()
    if "reference" not in backends or len(backends) < 2:
        fail(f"backends: {backends}")
    scratch = tempfile.mkdtemp(prefix="ap_cli_golden_")
    checked = 0
    for name in names:
        with open(os.path.join(cases_dir, name), encoding="utf-8") as f:
            case = json.load(f)
        expected = case["expected"]
        path = os.path.join(scratch, name)  # the scenario alone, as a user's file
        with open(path, "w", encoding="utf-8") as f:
            json.dump(case["scenario"], f)
        variant = any(key in case["scenario"] for key in VARIANT_FIELDS)
        for backend in backends:
            if backend != "reference" and float_backends_on == "variants" and not variant:
                continue
            what_run = f"{name} on {backend}"
            result = run(cli, ["run", path, "--backend", backend])
            checked += 1
            if result.returncode != 0 or result.stderr:
                fail(f"{what_run}: exit status {result.returncode}, stderr {result.stderr[:300]!r}")
                continue
            if result.stdout.count(b"\n") != 1:
                fail(f"{what_run}: expected one line of JSON on stdout")
            trace = json.loads(result.stdout)
            if trace.get("backend") != backend:
                fail(f"{what_run}: backend {trace.get('backend')!r}")
            precision = case["scenario"].get("precision")
            arithmetic = precision or ("float64" if backend == "reference" else "float32")
            if trace.get("computed_in") != arithmetic:
                fail(f"{what_run}: computed_in {trace.get('computed_in')!r}, expected {arithmetic!r}")
            tolerance = golden_tolerance(name, case["scenario"], backend)
            pairs = [("output", trace["output"], expected["output"]), ("concat", trace["concat"], expected["concat"])]
            if len(trace["heads"]) != len(expected["heads"]):
                fail(f"{what_run}: {len(trace['heads'])} heads, expected {len(expected['heads'])}")
                continue
            for h, (got, want) in enumerate(zip(trace["heads"], expected["heads"])):
                for key in ("q", "k", "v", "scores", "scaled", "weights", "output"):
                    if key in want:
                        pairs.append((f"heads[{h}].{key}", got[key], want[key]))
                if "scaled" not in got:
                    fail(f"{what_run}: heads[{h}] has no scaled")
            for what, got, want in pairs:
                err = rel_err(got, want)
                if not err <= tolerance:
                    fail(f"{what_run}: {what} normwise relative error {err:.3g} > {tolerance}")
            if trace["diagnostics"]["empty_rows"] != expected["empty_rows"]:
                fail(f"{what_run}: empty rows {trace['diagnostics']['empty_rows']} != {expected['empty_rows']}")
            # every null of the trace's matrices is listed under nonfinite, and nothing else is
            nulls = sum(v is None for key in ("output", "concat") for row in trace[key] for v in row)
            nulls += sum(v is None for head in trace["heads"] for key in ("q", "k", "v", "scores", "scaled", "weights", "output")
                         for row in head[key] for v in row)
            nulls += sum(v is None for row in trace["x_in"] for v in row)
            if nulls != len(trace.get("nonfinite", [])):
                fail(f"{what_run}: {nulls} null cells, {len(trace.get('nonfinite', []))} listed under nonfinite")
    shutil.rmtree(scratch)
    return checked


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
        (["run", "/nonexistent/scenario.json"], b"", 'FILE: cannot open "/nonexistent/scenario.json"'),
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
    return checks


GRAD_KEYS = ("d_x", "d_w_q", "d_w_k", "d_w_v", "d_w_o", "d_b_q", "d_b_v", "d_b_o", "d_context_x", "d_learned")


def grad(cases_dir, cli):
    names = sorted(n for n in os.listdir(cases_dir) if n.endswith(".json"))
    if len(names) < 25:
        fail(f"only {len(names)} golden gradient cases in {cases_dir}")
    scratch = tempfile.mkdtemp(prefix="ap_cli_grad_")
    checks = 0
    for name in names:
        with open(os.path.join(cases_dir, name), encoding="utf-8") as f:
            case = json.load(f)
        expected = case["expected"]
        path = os.path.join(scratch, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(case["scenario"], f)
        # every case on the reference; the float backends on every other case (the Catch2 suite runs them all)
        for backend, tolerance in [("reference", 1e-9)] + ([("simd", 1e-4), ("tiled", 1e-4)] if checks % 2 else []):
            result = run(cli, ["grad", path, "--backend", backend])
            checks += 1
            if result.returncode != 0 or result.stderr or result.stdout.count(b"\n") != 1:
                fail(f"{name} {backend}: exit {result.returncode}, stderr {result.stderr[:300]!r}")
                continue
            got = json.loads(result.stdout)
            if got.get("backend") != backend:
                fail(f"{name}: backend {got.get('backend')!r}")
            keys = {k for k in got if k.startswith("d_")}
            if keys != set(expected):
                fail(f"{name} {backend}: keys {sorted(keys)} != {sorted(expected)}")
                continue
            for key in GRAD_KEYS:  # d_b_k is zero in exact arithmetic: golden_tests measures it on its own scale
                if key not in expected:
                    continue
                want, have = expected[key], got[key]
                if not isinstance(want[0], list):
                    want, have = [want], [have]
                err = rel_err(have, want)
                if not err <= tolerance:
                    fail(f"{name} {backend}: {key} normwise relative error {err:.3g} > {tolerance}")
    shutil.rmtree(scratch)
    scenario = b'{"version": 1, "x": [[1, 0], [0, 1], [1, 1]], "mask": "causal"}'
    bad = [
        (["grad", "-", "--backend", "eigen"], scenario,
         '--backend: "eigen" has no backward pass (gradients run on reference, simd, tiled)'),
        (["grad", "-", "--backend", "nope"], scenario, '--backend: unknown backend "nope" (gradients run on reference, simd, tiled)'),
        (["grad", "-"], b'{"version": 1, "x": [[1, 0], [0, 1]], "d_output": [[1, 0]]}', "d_output: expected 2 rows (tokens), got 1"),
        (["grad", "-"], b'{"version": 1, "x": [[1, 0], [0, 1]], "d_output": [[1, 0], ["a", 1]]}',
         'd_output[1][0]: expected a number, got "a"'),
        (["grad", "-"], b'{"version": 1, "x": [[1, 0], [0, 1]], "d_output": [[1, 0], [1]]}',
         "d_output[1]: expected 2 numbers (d_model), got 1"),
        (["grad", "/nonexistent/scenario.json"], b"", 'FILE: cannot open "/nonexistent/scenario.json"'),
        (["grad"], b"", None),
    ]
    for args, stdin, message in bad:
        check_refusal("attention-cli " + " ".join(args), run(cli, args, stdin), message)
        checks += 1
    # G = d_output: zero G, zero gradients; standard input works
    result = run(cli, ["grad", "-"], b'{"version": 1, "x": [[1, 0], [0, 1]], "d_output": [[0, 0], [0, 0]]}')
    got = json.loads(result.stdout) if result.returncode == 0 else {}
    if not got or any(v != 0 for key in ("d_x", "d_w_q", "d_w_o") for row in got[key] for v in row):
        fail(f"grad with d_output = 0: exit {result.returncode}, {result.stdout[:200]!r}")
    return checks + 1


def json_lines(result, name):
    try:
        return [json.loads(line) for line in result.stdout.decode().splitlines()]
    except ValueError:
        fail(f"{name}: stdout is not JSON lines: {result.stdout[:200]!r}")
        return []


def train(cli):
    checks = 0
    result = run(cli, ["train", "--list"])
    tasks = json_lines(result, "train --list")
    names = [t.get("task") for t in tasks]
    if result.returncode != 0 or not {"previous_token", "induction", "lookup", "running_max"} <= set(names):
        fail(f"train --list: exit {result.returncode}, tasks {names}")
    checks += 1
    # SPEC §2's done criterion, with the defaults: induction reaches accuracy >= 0.9 with a head whose
    # prefix_match >= 0.4; every layer's scenario opens in `run`
    for args, accuracy, prefix in [(["--task", "induction"], 0.9, 0.4), (["--task", "lookup", "--steps", "60"], 0.9, None),
                                   (["--task", "previous_token", "--steps", "100", "--seed", "3"], 0.9, None)]:
        name = "attention-cli train " + " ".join(args)
        result = run(cli, ["train"] + args)
        lines = json_lines(result, name)
        checks += 1
        if result.returncode != 0 or not lines:
            fail(f"{name}: exit {result.returncode}, stderr {result.stderr[:300]!r}")
            continue
        steps, done = lines[:-1], lines[-1]
        if any(set(p) != {"step", "loss", "accuracy", "eval_loss", "previous_token", "prefix_match"} for p in steps) \
                or steps[0]["step"] != 0:
            fail(f"{name}: step lines {steps[:2]}")
        keys = {"done", "steps", "loss", "accuracy", "ms", "head_scores", "scenarios"}
        if not keys <= set(done) or done["done"] is not True:
            fail(f"{name}: done line lacks {keys - set(done)}")
            continue
        if not done["accuracy"] >= accuracy:
            fail(f"{name}: accuracy {done['accuracy']} < {accuracy}")
        scores = done["head_scores"]
        if any(set(h) != {"layer", "head", "previous_token", "prefix_match"} for h in scores):
            fail(f"{name}: head_scores {scores[:2]}")
        if prefix is not None and not max(h["prefix_match"] for h in scores) >= prefix:
            fail(f"{name}: best prefix_match {max(h['prefix_match'] for h in scores)} < {prefix}")
        for layer, scenario in enumerate(done["scenarios"]):
            trace = run(cli, ["run", "-"], json.dumps(scenario).encode())
            if trace.returncode != 0 or len(json.loads(trace.stdout)["heads"]) != len(scores) // len(done["scenarios"]):
                fail(f"{name}: scenario of layer {layer} does not run: {trace.stderr[:200]!r}")
        if prefix is not None:
            continue  # the long run once; the short ones check determinism
        # one seed, one run: the same lines again (but the time)
        again = json_lines(run(cli, ["train"] + args), name)
        for d in (done, again[-1] if again else {}):
            d.pop("ms", None)
        if again != lines:
            fail(f"{name}: a second run with the same seed printed different lines")
    result = run(cli, ["train", "--task", "previous_token", "--scaling", "--steps", "10", "--scaling-d-k", "4,32"])
    lines = json_lines(result, "train --scaling")
    summaries = [l for l in lines if l.get("summary")]
    if result.returncode != 0 or [(s["d_k"], s["scale"]) for s in summaries] != [
            (4, "inv_sqrt_dk"), (4, "none"), (32, "inv_sqrt_dk"), (32, "none")]:
        fail(f"train --scaling: exit {result.returncode}, summaries {summaries}")
    if any({"grad_norm_w_q", "grad_norm_w_k", "entropy", "loss"} - set(l) for l in lines if not l.get("summary")):
        fail("train --scaling: a point lacks a field")
    checks += 1
    bad = [
        (["train"], "--task: is required (see `attention-cli train --list`)"),
        (["train", "--task", "nope"], '--task: unknown task "nope" (tasks: previous_token, induction, lookup, running_max)'),
        (["train", "--task", "induction", "--steps", "-3"], "--steps: expected 1 to 1000000, got -3"),
        (["train", "--task", "induction", "--scale", "half"], '--scale: expected inv_sqrt_dk or none, got "half"'),
        (["train", "--task", "induction", "--lr", "-1"], None),
        (["train", "--task", "induction", "--heads", "3"], None),
        (["train", "--task", "induction", "--d-model", "abc"], None),
        (["train", "--task", "induction", "--optimizer", "lbfgs"], '--optimizer: expected adamw, adam or sgd, got "lbfgs"'),
        (["train", "--task", "induction", "--backend", "eigen"], None),
        (["train", "--task", "induction", "--scaling", "--scaling-d-k", "16,x"], None),
    ]
    for args, message in bad:
        check_refusal("attention-cli " + " ".join(args), run(cli, args), message)
        checks += 1
    return checks


def main(argv):
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    mode, params, cli = argv[1], argv[2:split], argv[split + 1:]
    if mode == "malformed":
        count = malformed(params[0], cli)
    elif mode == "golden":
        count = golden(params[0], cli, params[1] if len(params) > 1 else "all")
    elif mode == "commands":
        count = commands(cli)
    elif mode == "grad":
        count = grad(params[0], cli)
    elif mode == "train":
        count = train(cli)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"{mode}: {count} checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
