#!/usr/bin/python3
"""Checks "copy as PyTorch" (io::scenario_to_torch_script) against the golden cases, and io::write_npy
against NumPy's reader.

    export_torch_check.py CASES_DIR [--random N] -- TOOL

For every CASES_DIR/*.json ({name, scenario, expected}), and for N seeded random scenarios whose expected
output comes from core's reference (TOOL --random SEED), TOOL FILE prints the script of the scenario;
the script is run and its printed JSON compared with expected.output to 1e-9 (max abs difference over
max(1, max |expected|)). The first few scripts run as their own python3 processes, exactly as a user would
run them; the rest run inside this process (importing torch once keeps the test fast), each in a fresh
namespace. Then np.load reads TOOL --npy-sample. Exit 0 when all agree, 1 otherwise, 77 (skipped)
without torch.
"""

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile

TOLERANCE = 1e-9
STANDALONE = 3  # scripts run as separate processes


def max_diff(got, want):
    """max abs difference over max(1, max |want|), over the finite cells; inf where one side is finite and the
    other not (the expected JSON writes an overflow as null, the script prints NaN or Infinity)."""
    if len(got) != len(want) or any(len(a) != len(b) for a, b in zip(got, want)):
        return float("inf")
    finite = lambda v: v is not None and math.isfinite(v)
    pairs = [(a, b) for ra, rb in zip(got, want) for a, b in zip(ra, rb)]
    if any(finite(a) != finite(b) for a, b in pairs):
        return float("inf")
    pairs = [(a, b) for a, b in pairs if finite(b)]
    diff = max((abs(a - b) for a, b in pairs), default=0.0)
    scale = max([1.0] + [abs(b) for _, b in pairs])
    return diff / scale


def tolerance_for(case):
    """1e-9 for float64 (the script and the expected output both torch float64, or the C++ reference); a precision
    case's script is torch in float32 with the format's rounding, as tests/golden/generate.py computes it: the same
    operations, allowed a unit of the format where the order of an operation differs."""
    precision = case.get("scenario", {}).get("precision")
    return {None: TOLERANCE, "fp32": 1e-6, "fp16": 2.0 ** -11, "bf16": 2.0 ** -8}[precision]


def run_in_process(script, name):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(script, name, "exec"), {"__name__": "__main__"})
    return out.getvalue()


def run_standalone(script, name, tmp):
    path = os.path.join(tmp, name + ".py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(script)
    done = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"python3 {name}.py exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def check_npy(tool):
    import numpy as np

    data = subprocess.run(tool + ["--npy-sample"], capture_output=True, check=True).stdout
    got = np.load(io.BytesIO(data))
    want = (np.arange(12, dtype=np.float64).reshape(3, 4) - 5.5) / 3
    want[2, 3] = -0.0
    same = got.dtype == np.float64 and got.shape == (3, 4) and got.tobytes() == want.tobytes()
    return [] if same else [f"write_npy: np.load gives {got.dtype} {got.shape} {got.tolist()}"]


def main(argv):
    args = argv[1:]
    if "--" not in args:
        print(__doc__, file=sys.stderr)
        return 2
    split = args.index("--")
    opts, tool = args[:split], args[split + 1:]
    if not opts or not tool:
        print(__doc__, file=sys.stderr)
        return 2
    cases_dir, random_count = opts[0], 0
    if len(opts) == 3 and opts[1] == "--random":
        random_count = int(opts[2])
    try:
        import torch  # noqa: F401  (imported once for the in-process runs)
    except ImportError:
        print("export_torch: python3 has no torch; skipped")
        return 77
    failures = []
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(cases_dir, f) for f in sorted(os.listdir(cases_dir)) if f.endswith(".json")]
        for seed in range(random_count):
            made = subprocess.run(tool + ["--random", str(seed)], capture_output=True, text=True)
            if made.returncode != 0:
                failures.append(f"random {seed}: the tool exited {made.returncode}: {made.stderr.strip()}")
                continue
            path = os.path.join(tmp, f"random_{seed}.json")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(made.stdout)
            paths.append(path)
        for index, path in enumerate(paths):
            name = os.path.basename(path)[:-5]
            made = subprocess.run(tool + [path], capture_output=True, text=True)
            if made.returncode != 0:
                failures.append(f"{name}: the tool exited {made.returncode}: {made.stderr.strip()}")
                continue
            script = made.stdout
            try:
                if index < STANDALONE:
                    printed = run_standalone(script, name, tmp)
                else:
                    printed = run_in_process(script, name + ".py")
                got = json.loads(printed)
            except Exception as e:  # a failing script is a failed case, not a crashed test
                failures.append(f"{name}: {type(e).__name__}: {e}")
                continue
            with open(path, encoding="utf-8") as fh:
                case = json.load(fh)
            d = max_diff(got, case["expected"]["output"])
            worst = max(worst, d)
            if not d <= tolerance_for(case):
                failures.append(f"{case.get('name', name)}: output differs from expected.output by {d:.3g} "
                                f"(tolerance {tolerance_for(case)})")
    try:
        failures += check_npy(tool)
    except ImportError:
        print("export_torch: python3 has no numpy; the write_npy check is skipped")
    for f in failures:
        print("FAIL " + f)
    total = len(paths)
    print(f"export_torch: {total - len(failures)} of {total} scripts agree with the expected output "
          f"({total - random_count} golden cases, {random_count} random scenarios against the C++ reference; "
          f"worst difference {worst:.2g}, tolerance {TOLERANCE}; {min(STANDALONE, total)} run as separate processes)")
    return 1 if failures or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
