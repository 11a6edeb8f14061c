"""The whole flow on a real repository: `refactor plan`, then `refactor apply --all`, and per stage its
sites, files, distinct count before and after, and the wall time of each phase.

    python benchmarks/seed_flow.py CHECKOUT --python REPO_PYTHON \
        [--plan benchmarks/plans/zen_websocket_manager.toml] [--work DIR]

CHECKOUT is a git repository (the seed's: netra-systems/zen at 1d0af0f4, see the README); it is cloned
into the work folder first, so the checkout itself is never touched. The plan's `root` becomes that
clone and a `python` at the head of its `test_command` becomes REPO_PYTHON (the interpreter of an
environment in which the repository's tests run). Phases are those `refactor apply` records per stage:
`base plan` and `base tests` are paid once per run, by the first stage.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomlkit

HERE = Path(__file__).resolve().parent
PHASES = ("base plan", "base tests", "worktree", "planning", "codemods", "verification", "tests", "commit")


def prepare(checkout: Path, plan_template: Path, python: str, work: Path) -> tuple[Path, Path, str]:
    repo = work / "repo"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(checkout), str(repo)], check=True)
    document = tomlkit.parse(plan_template.read_text(encoding="utf-8"))
    document["plan"]["root"] = str(repo)
    command = document["plan"].get("test_command")
    if command and command[0] in ("python", "python3"):
        command[0] = python
    plan = work / plan_template.name
    plan.write_text(tomlkit.dumps(document), encoding="utf-8")
    return repo, plan, str(document["plan"]["name"])


def timed(command: list[str], log: Path) -> tuple[int, float]:
    start = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False,
                              env={**os.environ, "COLUMNS": "200"})
    return done.returncode, time.monotonic() - start


def trailers(repo: Path, branch: str) -> dict[str, str]:
    done = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%B", branch], capture_output=True,
                          text=True, check=False)
    out = {}
    for line in done.stdout.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.startswith("Refactor-"):
            out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--python", required=True, help="the interpreter that runs the repository's tests")
    parser.add_argument("--plan", type=Path, default=HERE / "plans" / "zen_websocket_manager.toml")
    parser.add_argument("--work", type=Path, help="a new folder for the clone, the plan and the logs")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="seed-flow-"))
    work.mkdir(parents=True, exist_ok=True)
    repo, plan, name = prepare(args.checkout.resolve(), args.plan, args.python, work)
    refactor = [sys.executable, "-m", "refactor"]
    code, plan_wall = timed([*refactor, "plan", str(plan)], work / "plan.log")
    print(f"refactor plan: exit {code}, {plan_wall:.1f} s (cold; log {work / 'plan.log'})")
    code, apply_wall = timed([*refactor, "apply", str(plan), "--all"], work / "apply.log")
    print(f"refactor apply --all: exit {code}, {apply_wall:.1f} s (log {work / 'apply.log'})")
    runs_file = repo / ".git" / "refactor" / "runs" / f"{name}.json"
    runs = json.loads(runs_file.read_text()) if runs_file.exists() else {}
    header = ["#", "status", "sites", "files", "distinct", *PHASES, "verif. beside", "tool s", "total s", "deleted"]
    rows = []
    for number in sorted(runs, key=int):
        run = runs[number]
        timings = run.get("timings", {})
        claims = trailers(repo, f"{trailers_prefix(plan)}/stage-{int(number):02d}") if run["status"] == "committed" else {}
        own = sum(v for k, v in timings.items() if k not in ("tests", "base tests"))
        rows.append([number, run["status"], str(run.get("sites", "")), str(run.get("files", "")),
                     claims.get("Refactor-Distinct", "").replace(" -> ", "→"),
                     *(f"{timings[p]:.1f}" if p in timings else "" for p in PHASES),
                     f"{run['beside']['verification']:.1f}" if "verification" in run.get("beside", {}) else "",
                     f"{own:.1f}", f"{sum(timings.values()):.1f}",
                     " ".join(m.rpartition(".")[2] for m in claims.get("Refactor-Deleted-Modules", "-").split()
                              if m != "-")])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).rjust(width) if i not in (1, len(header) - 1) else str(cell).ljust(width)
                        for i, (cell, width) in enumerate(zip(row, widths))).rstrip())
    print("tool s: every phase but the test runs (the tool's own time); verification: where it outlasts the tests it "
          "runs beside (verif. beside: its own wall time)")
    return 0 if code == 0 else 1


def trailers_prefix(plan: Path) -> str:
    table = tomlkit.parse(plan.read_text(encoding="utf-8"))["plan"]
    return str(table.get("branch_prefix", f"refactor/{table['name']}"))


if __name__ == "__main__":
    sys.exit(main())
