"""Recall on real packages: every reference an oracle that is not this project's code finds to an alias
must be a site the plan rewrites or reports.

    python benchmarks/recall.py [--cache DIR] [--work DIR] [--only NAME] [--apply]

Each family below is an alias in a real package at a pinned version. The sdist is downloaded once
(`pip download --no-deps --no-binary :all:`) into the cache folder and unpacked as a fresh git repository.
The oracle is Jedi (`Script.get_references(scope="project")` on the alias's definition); the plan is
`refactor`'s stage that removes the alias. A reference is found when the stage lists a site (rewritten or
reported) on its line; the table prints, per family, the oracle's references, the plan's sites, the
references the plan missed (which it lists one per line) and the sites only the plan found (strings,
`__all__` entries, reads through star imports and lazy loaders, which Jedi does not report). With
`--apply`, `refactor apply --all` then runs on each repository (the package's own tests named in the
family), and the stage must commit; then every module of the package is imported, and the family's scripts
(pyparsing's examples) run, at the base and on the last branch: what raises NameError, ImportError or
AttributeError on the last branch and did not at the base is listed ("N new" in the apply column). Exit 1
when any reference is missed, any stage fails or anything raises anew.
Needs `jedi` (`pip install jedi`) and the network the first time.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import tomlkit

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Family:
    name: str            # a short name for the row
    dist: str            # the distribution, pinned: "pyparsing==3.3.3"
    packages: tuple[str, ...]
    alias: str           # "module:Name" of the alias to remove
    canonical: str       # "module:Name" of what it stands for
    tests: tuple[str, ...] = ()   # the package's own tests for `--apply`
    covers: str = ""     # the kinds of reference this family exercises
    scripts: str = ""    # a folder of scripts run before and after `--apply` (the package's examples)


FAMILIES = (
    Family("pyparsing-Optional", "pyparsing==3.3.3", ("pyparsing",), "pyparsing.core:Optional",
           "pyparsing.core:Opt", ("tests/test_simple_unit.py",), "star imports (examples), __all__, chains",
           "examples"),
    Family("marshmallow-Int", "marshmallow==4.4.0", ("marshmallow",), "marshmallow.fields:Int",
           "marshmallow.fields:Integer", ("tests/test_fields.py",), "package attribute chains (fields.Int)"),
    Family("jinja2-i18n", "Jinja2==3.1.6", ("jinja2",), "jinja2.ext:i18n",
           "jinja2.ext:InternationalizationExtension", ("tests/test_ext.py",), "dotted strings in any call"),
    Family("pygments-Python3Lexer", "Pygments==2.21.0", ("pygments",), "pygments.lexers.python:Python3Lexer",
           "pygments.lexers.python:PythonLexer", ("tests/test_terminal_formatter.py", "tests/test_basic_api.py"),
           "a lazy loader (module in sys.modules, literal tables)"),
    Family("marshmallow-Str", "marshmallow==4.4.0", ("marshmallow",), "marshmallow.fields:Str",
           "marshmallow.fields:String", ("tests/test_schema.py",), "attribute chains, imports inside functions"),
    Family("marshmallow-Bool", "marshmallow==4.4.0", ("marshmallow",), "marshmallow.fields:Bool",
           "marshmallow.fields:Boolean", ("tests/test_deserialization.py",), "attribute chains"),
    Family("jinja2-loopcontrols", "Jinja2==3.1.6", ("jinja2",), "jinja2.ext:loopcontrols",
           "jinja2.ext:LoopControlExtension", ("tests/test_ext.py",), "strings, relative imports"),
    Family("pygments-BroLexer", "Pygments==2.21.0", ("pygments",), "pygments.lexers.dsls:BroLexer",
           "pygments.lexers.dsls:ZeekLexer", ("tests/test_basic_api.py",), "a lazy loader's table, __all__"),
)


def sdist(dist: str, cache: Path) -> Path:
    """The cached sdist of `dist` ("name==version"), downloaded the first time."""
    name, _, version = dist.partition("==")
    found = [p for p in cache.glob("*.tar.gz") if p.name.lower().startswith(f"{name.lower()}-{version}.")]
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "--dest", str(cache), dist], check=True)
        found = [p for p in cache.glob("*.tar.gz") if p.name.lower().startswith(f"{name.lower()}-{version}.")]
    return found[0]


def repository(archive: Path, work: Path, name: str) -> Path:
    """`archive` unpacked under `work/name` as a git repository of one commit."""
    target = work / name
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data") if sys.version_info >= (3, 12) else tar.extractall(target)
    (root,) = [p for p in target.iterdir() if p.is_dir()]
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=recall", "-c", "user.email=recall@localhost",
                                                 "commit", "-qm", "base"]):
        subprocess.run(["git", "-C", str(root), *args], check=True)
    return root


def write_plan(family: Family, root: Path, python: str) -> Path:
    document = tomlkit.document()
    document["plan"] = {"name": family.name.lower(), "root": str(root), "packages": list(family.packages),
                        "canonical": family.canonical, "family": [family.alias.partition(":")[2]],
                        "test_command": [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *family.tests]}
    path = root.parent / "plan.toml"
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return path


def oracle(root: Path, family: Family) -> set[tuple[str, int]]:
    """(path, line) of every reference Jedi finds to the alias, its definition left out."""
    import jedi

    from refactor.reading.files import import_roots
    module, _, name = family.alias.partition(":")
    project = jedi.Project(str(root), added_sys_path=[str(root / r) for r in import_roots(root)])
    path = next(root / r / (module.replace(".", "/") + ".py") for r in import_roots(root)
                if (root / r / (module.replace(".", "/") + ".py")).exists())
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith(f"{name} = "))
    found = set()
    for ref in jedi.Script(path=str(path), project=project).get_references(line, 0, scope="project"):
        where = (str(Path(ref.module_path).relative_to(root)), ref.line)
        if where != (str(path.relative_to(root)), line):
            found.add(where)
    return found


def planned(plan: Path, family: Family) -> set[tuple[str, int]]:
    """(path, line) of every place the stage that removes the alias changes or reports: each site's
    line, and, where a site binds a name (an import of the alias, or its use through a star import),
    every line of that file that reads the name so bound (the rewrite renames those uses with it)."""
    from refactor.planning.workspace import Workspace
    workspace = Workspace.open(plan)
    stage = next(s for s in workspace.schedule.stages if any(d.ref == family.alias for d in s.definitions))
    out = {(e.site.path, e.site.line) for e in stage.edits}
    by_file: dict[str, list] = {}
    for edit in stage.edits:
        by_file.setdefault(edit.site.path, []).append(edit.site)
    for path, sites in by_file.items():
        try:
            tree = ast.parse((workspace.project.root / path).read_text(encoding="utf-8"))
        except (SyntaxError, ValueError, OSError):
            continue
        named = {(s.line, s.name) for s in sites if s.name}
        names = {s.name for s in sites if s.kind in ("star", "use") and s.name}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                bound = {a.asname or a.name for a in node.names if (node.lineno, a.name) in named}
                if bound:
                    out.update((path, n) for n in range(node.lineno, (node.end_lineno or node.lineno) + 1))
                    names |= bound
        out.update((path, node.lineno) for node in ast.walk(tree)
                   if isinstance(node, ast.Name) and node.id in names)
    return out


PROBE = """
import importlib, sys, warnings
warnings.simplefilter("ignore")
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException as exc:
        print(f"import {name}: {type(exc).__name__}: {exc}")
"""
LOST = ("NameError", "ImportError", "ModuleNotFoundError", "AttributeError")


def lost_name_errors(tree: Path, family: Family, python: str) -> set[str]:
    """Every module of the family's packages imported, and every script of `family.scripts` run (20 s
    each, no input): the NameError, ImportError and AttributeError lines they end with."""
    from refactor.reading.files import import_roots
    roots = [tree / r for r in import_roots(tree)]
    modules = sorted({".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
                      for root in roots for package in family.packages
                      for p in (root / package.replace(".", "/")).rglob("*.py")})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, roots))}
    done = subprocess.run([python, "-c", PROBE, *modules], cwd=tree, env=env, capture_output=True, text=True,
                          check=False, timeout=600)
    found = {line for line in done.stdout.splitlines() if any(f": {kind}:" in line for kind in LOST)}
    for script in sorted((tree / family.scripts).glob("*.py")) if family.scripts else ():
        try:
            run = subprocess.run([python, script.name], cwd=script.parent, env=env, capture_output=True,
                                 text=True, check=False, timeout=20, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            continue
        last = (run.stderr.strip().splitlines() or [""])[-1]
        if last.split(":")[0] in LOST:
            found.add(f"{family.scripts}/{script.name}: {last}")
    return found


def new_errors(root: Path, plan: Path, family: Family, python: str) -> list[str]:
    """What raises NameError/ImportError/AttributeError on the last stage branch and did not at the base."""
    from refactor.planfile import load_plan
    prefix = load_plan(plan).branch_prefix
    branches = subprocess.run(["git", "-C", str(root), "branch", "--list", f"{prefix}/*", "--format=%(refname:short)"],
                              capture_output=True, text=True, check=True).stdout.split()
    found = {}
    for label, ref in (("base", "HEAD"), ("last", sorted(branches)[-1])):
        tree = root.parent / f"probe-{label}"
        subprocess.run(["git", "-C", str(root), "worktree", "add", "--quiet", "--detach", str(tree), ref], check=True)
        try:
            found[label] = lost_name_errors(tree, family, python)
        finally:
            subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(tree)], check=True)
    return sorted(found["last"] - found["base"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "refactor-recall")
    parser.add_argument("--work", type=Path, help="a new folder for the repositories (default: a temporary one)")
    parser.add_argument("--only", help="the family to run (default: every one)")
    parser.add_argument("--apply", action="store_true", help="also apply every stage, with the package's tests")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the packages' tests")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="recall-"))
    failed = False
    print(f"{'family':24} {'oracle':>6} {'plan':>5} {'missed':>6} {'plan only':>9}  {'apply':16} covers")
    for family in FAMILIES:
        if args.only and family.name != args.only:
            continue
        root = repository(sdist(family.dist, args.cache), work, family.name)
        plan = write_plan(family, root, args.python)
        found, sites = oracle(root, family), planned(plan, family)
        missed = sorted(found - sites)
        applied, raised = "", []
        if args.apply:
            done = subprocess.run([sys.executable, "-m", "refactor", "apply", str(plan), "--all"],
                                  capture_output=True, text=True, check=False)
            applied = "committed" if done.returncode == 0 else f"exit {done.returncode}"
            failed |= done.returncode != 0
            if done.returncode == 0:
                raised = new_errors(root, plan, family, args.python)
                applied += f", {len(raised)} new"
                failed |= bool(raised)
        print(f"{family.name:24} {len(found):6} {len(sites):5} {len(missed):6} {len(sites - found):9}  "
              f"{applied:16} {family.covers}")
        for path, line in missed:
            print(f"  missed: {path}:{line}")
        for line in raised if args.apply and applied.startswith("committed") else ():
            print(f"  raises now: {line}")
        failed |= bool(missed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
