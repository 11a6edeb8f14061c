"""Real trees for the benchmarks: fetched once into a cache folder, each made a git repository of one commit.

    python benchmarks/real_trees.py --cache DIR [--tree NAME ...]

- cpython: CPython 3.13.5's `Lib/`, from the release tarball (`Python-3.13.5.tar.xz`, checked against its
  SHA-256). It comes through Debian's source package of python3.13, whose `.orig.tar.xz` is that tarball
  byte for byte: apt-get downloads it with a sources list and state folders of its own in the cache, so the
  machine's apt configuration is not touched. The tree's root is `Lib/` itself (`email`, `asyncio`, ...).
- django: Django 5.1.4's sdist (`pip download --no-deps --no-binary :all:`); the root is the unpacked sdist.
- site-packages: a virtual environment in the cache with the pinned distributions of `SITE_PACKAGES`
  installed without their dependencies (the list is closed); the root is its `site-packages` folder.

Nothing fetched here belongs in this project's repository: keep the cache outside it. Every download runs
as an argument list (no shell); a failed one prints one line saying what failed and stops.
Prints `NAME PATH PLAN` for every tree made ready.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import sysconfig
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLANS = HERE / "plans"

CPYTHON_VERSION = "3.13.5"
CPYTHON_SOURCE_PACKAGE = "python3.13"   # Debian's source package, from trixie
CPYTHON_TARBALL = f"python3.13_{CPYTHON_VERSION}.orig.tar.xz"
CPYTHON_SHA256 = "93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640"
DEBIAN_SOURCES = ("deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                  "http://deb.debian.org/debian trixie main\n")
DJANGO = "Django==5.1.4"
SITE_PACKAGES = (   # popular pure and mixed distributions, exact versions, installed with --no-deps
    "annotated-types==0.7.0", "attrs==24.3.0", "blinker==1.9.0", "boto3==1.35.90", "botocore==1.35.90",
    "certifi==2024.12.14", "charset-normalizer==3.4.0", "click==8.1.7", "Flask==3.1.0", "idna==3.10",
    "iniconfig==2.0.0", "itsdangerous==2.2.0", "Jinja2==3.1.4", "jmespath==1.0.1", "markdown-it-py==3.0.0",
    "MarkupSafe==3.0.2", "mdurl==0.1.2", "mpmath==1.3.0", "networkx==3.4.2", "numpy==2.2.1",
    "packaging==24.2", "pandas==2.2.3", "pluggy==1.5.0", "pydantic==2.10.4", "pydantic_core==2.27.2",
    "Pygments==2.18.0", "pytest==8.3.4", "python-dateutil==2.9.0.post0", "pytz==2024.2", "PyYAML==6.0.2",
    "requests==2.32.3", "rich==13.9.4", "s3transfer==0.10.4", "setuptools==75.6.0", "six==1.17.0",
    "SQLAlchemy==2.0.36", "sympy==1.13.3", "typing_extensions==4.12.2", "tzdata==2024.2", "urllib3==2.2.3",
    "Werkzeug==3.1.3",
)
COMMIT_ENV = {"GIT_AUTHOR_NAME": "real-trees", "GIT_AUTHOR_EMAIL": "real-trees@localhost",
              "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000", "GIT_COMMITTER_NAME": "real-trees",
              "GIT_COMMITTER_EMAIL": "real-trees@localhost", "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000"}


class FetchError(Exception):
    """A download or an unpacking step failed; the message is one line."""


@dataclass(frozen=True)
class Tree:
    name: str
    plan: Path                              # benchmarks/plans/...; its root is set to the tree
    pinned: str                             # what is fetched, for the report
    prepare: Callable[[Path], Path]         # cache folder -> the tree's root (a git work tree)


def run(command: list[str], what: str, *, cwd: Path | None = None) -> None:
    """Run `command`; on failure raise FetchError naming `what` and the command's last line of output."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        raise FetchError(f"{what}: {command[0]}: {error.strerror}") from None
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        raise FetchError(f"{what} failed (exit {done.returncode}): {last}")


def commit_tree(root: Path) -> Path:
    """`root` made a git repository of one commit (fixed author and date), unless it already is one."""
    if (root / ".git").is_dir():
        return root
    exclude = ["__pycache__/", "*.pyc"]
    env = {**os.environ, **COMMIT_ENV}
    for args in (["init", "-q"], ["add", "-A"], ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "base"]):
        if args[0] == "add":
            (root / ".git" / "info").mkdir(parents=True, exist_ok=True)
            (root / ".git" / "info" / "exclude").write_text("\n".join(exclude) + "\n", encoding="utf-8")
        done = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise FetchError(f"git {args[-1] if args[0] == '-c' else args[0]} in {root} failed: {(done.stderr.strip() or 'no output').splitlines()[-1]}")
    return root


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract(archive: Path, target: Path, prefix: str = "") -> None:
    """The members of `archive` whose names start with `prefix`, unpacked under `target`."""
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
        if not members:
            raise FetchError(f"{archive.name} holds nothing under {prefix!r}")
        if hasattr(tarfile, "data_filter"):   # 3.11.4 and later: no owner kept, nothing outside `target`
            tar.extractall(target, members=members, filter="data")
            return
        tar.extractall(target, members=members)
    if os.geteuid() == 0:   # as root, an owner kept from the archive would make git refuse the folder
        for path in [target, *target.rglob("*")]:
            os.lchown(path, 0, 0)


def apt_options(cache: Path) -> list[str]:
    """apt-get options that keep its sources list, package lists and downloads inside `cache/apt`."""
    apt = cache / "apt"
    for folder in (apt / "lists" / "partial", apt / "cache" / "archives" / "partial", apt / "parts"):
        folder.mkdir(parents=True, exist_ok=True)
    sources = apt / "sources.list"
    sources.write_text(DEBIAN_SOURCES, encoding="utf-8")
    return ["-o", f"Dir::Etc::SourceList={sources}", "-o", f"Dir::Etc::SourceParts={apt / 'parts'}",
            "-o", f"Dir::State::Lists={apt / 'lists'}", "-o", f"Dir::Cache={apt / 'cache'}"]


def cpython_tarball(cache: Path) -> Path:
    downloads = cache / "downloads"
    tarball = downloads / CPYTHON_TARBALL
    if not tarball.exists():
        downloads.mkdir(parents=True, exist_ok=True)
        options = apt_options(cache)
        run(["apt-get", "-q", *options, "update"], "apt-get update (Debian's source lists)")
        run(["apt-get", "-q", *options, "source", "--download-only", CPYTHON_SOURCE_PACKAGE],
            f"apt-get source {CPYTHON_SOURCE_PACKAGE}", cwd=downloads)
        if not tarball.exists():
            raise FetchError(f"apt-get source {CPYTHON_SOURCE_PACKAGE} brought no {CPYTHON_TARBALL} "
                             f"(Debian has moved past CPython {CPYTHON_VERSION})")
    found = sha256(tarball)
    if found != CPYTHON_SHA256:
        raise FetchError(f"{tarball}: SHA-256 {found}, expected {CPYTHON_SHA256}")
    return tarball


def prepare_cpython(cache: Path) -> Path:
    root = cache / f"cpython-{CPYTHON_VERSION}" / f"Python-{CPYTHON_VERSION}" / "Lib"
    if not (root / ".git").is_dir():
        extract(cpython_tarball(cache), cache / f"cpython-{CPYTHON_VERSION}", f"Python-{CPYTHON_VERSION}/Lib/")
    return commit_tree(root)


def sdist(dist: str, cache: Path) -> Path:
    """The cached sdist of `dist` ("Name==version"), downloaded the first time."""
    name, _, version = dist.partition("==")
    downloads = cache / "downloads"

    def found() -> list[Path]:
        return [p for p in downloads.glob("*.tar.gz") if p.name.lower() == f"{name.lower()}-{version}.tar.gz"]

    if not found():
        downloads.mkdir(parents=True, exist_ok=True)
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--dest", str(downloads), dist], f"pip download {dist}")
    if not found():
        raise FetchError(f"pip download {dist} left no {name}-{version}.tar.gz in {downloads}")
    return found()[0]


def prepare_django(cache: Path) -> Path:
    name, _, version = DJANGO.partition("==")
    target = cache / f"django-{version}"
    root = target / f"{name.lower()}-{version}"
    if not (root / ".git").is_dir():
        extract(sdist(DJANGO, cache), target)
        unpacked = [p for p in target.iterdir() if p.is_dir() and p.name.lower() == root.name]
        if not unpacked:
            raise FetchError(f"{DJANGO}'s sdist did not unpack to {root.name}/")
        root = unpacked[0]
    return commit_tree(root)


def requirements_key() -> str:
    """A short hash of the pinned list and the interpreter's version: a new pin makes a new environment."""
    text = "\n".join(SITE_PACKAGES) + sys.version.split()[0]
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def prepare_site_packages(cache: Path) -> Path:
    venv = cache / f"site-packages-{requirements_key()}"
    purelib = sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)})
    root = Path(purelib)
    if (root / ".git").is_dir():
        return root
    if not (venv / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(venv)], f"python -m venv {venv}")
    requirements = venv / "requirements.txt"
    requirements.write_text("\n".join(SITE_PACKAGES) + "\n", encoding="utf-8")
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-compile", "-r", str(requirements)], "pip install (the site-packages list)")
    return commit_tree(root)


TREES = (
    Tree("cpython", PLANS / "cpython_lib_socketserver.toml", f"CPython {CPYTHON_VERSION} Lib/", prepare_cpython),
    Tree("django", PLANS / "django_http_response.toml", DJANGO, prepare_django),
    Tree("site-packages", PLANS / "site_packages_sympy_matrix.toml",
         f"{len(SITE_PACKAGES)} distributions", prepare_site_packages),
)


def by_name(names: list[str] | None) -> list[Tree]:
    """The trees named (all of them when none is); an unknown name is an error."""
    known = {tree.name: tree for tree in TREES}
    unknown = [name for name in names or () if name not in known]
    if unknown:
        raise SystemExit(f"unknown tree {', '.join(unknown)}; the trees are {', '.join(known)}")
    return [known[name] for name in names] if names else list(TREES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=True, help="where the trees are kept (outside this project)")
    parser.add_argument("--tree", action="append", help="a tree to prepare (repeatable; default: every one)")
    args = parser.parse_args(argv)
    cache = args.cache.resolve()
    for tree in by_name(args.tree):
        try:
            root = tree.prepare(cache)
        except FetchError as error:
            print(f"real_trees: {tree.name}: {error}", file=sys.stderr)
            return 1
        print(f"{tree.name} {root} {tree.plan.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
