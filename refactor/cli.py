"""The `refactor` command line: arguments in, one command module called, exit code out.

Exit codes (see `refactor.exitcodes`): 0 success, 1 a check or stage failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from refactor import __version__, exitcodes
from refactor.errors import RefactorError
from refactor.output import make_console

# command -> (module under refactor.commands, one-line help)
COMMANDS = {
    "audit": ("audit", "list every definition of the family, its kind and what it resolves to"),
    "check": ("check", "exit 1 while the family has more than one distinct definition"),
    "plan": ("plan", "show the staged removal order, each stage's blast radius, and its changes"),
    "apply": ("apply", "make stage branches: edit, verify, test and commit each stage in a separate worktree"),
    "verify": ("verify", "re-derive each stage branch's evidence from the branch and report disagreements"),
    "demo": ("demo", "run audit, plan and apply --all on a temporary git copy of the bundled fixture"),
    "status": ("status", "show each stage branch's state: missing, up to date, stale, carrying others' commits"),
    "restack": ("restack", "regenerate stale stages on their new parents, keeping commits the tool did not make"),
    "init": ("init", "audit a repository and write a commented starting plan, proposing the canonical"),
    "guard": ("guard", "configure Ruff so removed modules and names cannot come back"),
}
_READ_ONLY = {"audit", "check", "plan"}   # commands that read the repository and report (`plan --diff` edits)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="refactor", description="Single-source-of-truth refactoring toolkit.")
    parser.add_argument("--version", action="version", version=f"refactor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (_, text) in COMMANDS.items():
        command = sub.add_parser(name, help=text, description=text)
        _ARGUMENTS[name](command)
    return parser


def _plan_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", help="plan file (TOML); default: [tool.refactor] plans in ./pyproject.toml")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the facts cache")


def _audit(parser: argparse.ArgumentParser) -> None:
    _plan_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the inventory as JSON")


def _check(parser: argparse.ArgumentParser) -> None:
    _plan_argument(parser)
    parser.add_argument("--max", type=int, default=1, metavar="N", help="allowed distinct definitions (default 1)")
    parser.add_argument("--runtime", action="store_true",
                        help="also import the packages in a subprocess and count the class objects loaded")
    parser.add_argument("--python", help="interpreter for --runtime (default: the repository's .venv, else this one)")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON (docs/json.md)")


def _plan(parser: argparse.ArgumentParser) -> None:
    _plan_argument(parser)
    parser.add_argument("--stage", type=int, metavar="N", help="show one stage in full")
    parser.add_argument("--json", action="store_true", help="print the stages as JSON")
    parser.add_argument("--diff", action="store_true", help="show the unified diff of the changes (writes nothing)")
    parser.add_argument("--graph", choices=("mermaid", "dot"), help="print the family's import graph")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the --graph or --diff output to FILE")


def _apply(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", help="plan file (TOML)")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stage", type=int, metavar="N", help="make the branch of stage N (stacked on stage N-1)")
    which.add_argument("--all", action="store_true", help="make every stage branch in order; stop at a failure")
    parser.add_argument("--base", metavar="REF", help="commit stage 1 starts from (default: HEAD)")
    parser.add_argument("--strict", action="store_true", help="demand an all-green test run, not just no new failures")
    parser.add_argument("--force", action="store_true",
                        help="rebuild an existing stage branch (never one holding commits the tool did not make)")
    parser.add_argument("--reviews", metavar="DIR", help="folder for the Markdown review descriptions")
    parser.add_argument("--test-timeout", type=float, metavar="SECONDS", help="give up on a test run after this long")
    parser.add_argument("--push", metavar="REMOTE", help="push every stage branch to REMOTE afterwards")
    parser.add_argument("--open-prs", action="store_true", help="with --push: open one pull request per stage (gh)")


def _verify(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", help="plan file (TOML)")
    parser.add_argument("--tests", action="store_true", help="also re-run the tests on each branch and compare counts")


def _demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", metavar="DIR", help="where to make the copy (default: a new temporary folder)")


def _status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", help="plan file (TOML)")
    parser.add_argument("--json", action="store_true", help="print the states as JSON")


def _restack(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", help="plan file (TOML)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--from", dest="from_stage", type=int, metavar="N", help="regenerate from stage N on")
    which.add_argument("--continue", dest="continue_", action="store_true",
                       help="go on after resolving a conflict in the worktree the last run named")
    which.add_argument("--abort", action="store_true", help="drop a stopped restack; branches stay as they were")


def _init(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", action="append", required=True, metavar="PATTERN",
                        help="name pattern of the family's members (repeatable; * ? [] wildcards)")
    parser.add_argument("--canonical", metavar="MODULE:NAME", help="the class that stays (default: proposed)")
    parser.add_argument("--name", help="plan name (default: from the first pattern); the file is plans/NAME.toml")
    parser.add_argument("--root", metavar="DIR", help="repository root (default: the current directory)")
    parser.add_argument("--packages", metavar="A,B", help="packages to scan for definitions (default: every "
                        "top-level package but tests)")
    parser.add_argument("--exclude", action="append", metavar="PATTERN",
                        help="names matching the family that are not members (repeatable)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing plan file")
    parser.add_argument("--output", "-o", metavar="FILE", help="where to write it (default: ROOT/plans/NAME.toml)")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the facts cache")


def _guard(parser: argparse.ArgumentParser) -> None:
    _plan_argument(parser)
    parser.add_argument("--print", dest="print_only", action="store_true",
                        help="show the configuration changes as a diff instead of writing them")


_ARGUMENTS = {"audit": _audit, "check": _check, "plan": _plan, "apply": _apply, "verify": _verify, "demo": _demo,
              "status": _status, "restack": _restack,
              "init": _init, "guard": _guard}


def _interrupt_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so worktrees are removed and no half-made branch is left."""
    import signal

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass


def _is_git_failure(exc: Exception) -> bool:
    """Whether `exc` is GitPython's GitCommandError (never imported here: commands that use git load it)."""
    git_exc = sys.modules.get("git.exc")
    return git_exc is not None and isinstance(exc, git_exc.GitCommandError)


def main(argv: Sequence[str] | None = None, *, console: Console | None = None) -> int:
    console = console or make_console()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    module = importlib.import_module(f"refactor.commands.{COMMANDS[args.command][0]}")
    _interrupt_on_sigterm()
    # a run makes many small objects and few cycles: collect garbage cycles less often (about 5% faster),
    # and not at all in a command that only reads and reports (it ends soon; its cycles are few and small)
    gc_threshold, gc_enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(50_000, *gc_threshold[1:])
    if args.command in _READ_ONLY and not getattr(args, "diff", False):
        gc.disable()   # (LibCST's trees do hold cycles: with them, a big stage's diff would double memory)
    try:
        if hasattr(args, "plan") and args.plan is None:
            from refactor.config import default_plan
            args.plan = default_plan()
        return module.run(args, console)
    except RefactorError as exc:
        if args.debug:
            raise
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        console.print("[bold red]interrupted[/]")
        return 130
    except Exception as exc:
        if args.debug or not _is_git_failure(exc):
            raise
        from refactor.staging.gitops import (
            git_error_line,  # a git failure no command anticipated: one line, no traceback
        )

        console.print(f"[bold red]error:[/] git {' '.join(map(str, exc.command[1:3]))} failed: "
                      f"{escape(git_error_line(exc))}", highlight=False, soft_wrap=True)
        return exitcodes.BAD_INPUT
    finally:
        gc.set_threshold(*gc_threshold)
        if argv is not None:   # a caller goes on
            if gc_enabled:
                gc.enable()
        else:                  # a command line ends: what it made is left to the process's end, not
            gc.freeze()        # traversed by a last collection (0.08 s on the 10,000-file benchmark)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
