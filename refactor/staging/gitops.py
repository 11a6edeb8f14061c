"""Git at the edge (GitPython; every call is an argument list, never a shell string).

Stage work happens in a detached worktree kept inside the repository's git directory, so the
user's files, index, stashes and current branch are never touched. A stage branch is created only
at the very end, by an atomic ref update that refuses to overwrite anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import git
from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from refactor.errors import RepositoryError

TOOL_TRAILER = "Refactor-Tool"
FALLBACK_IDENTITY = ("refactor", "refactor@localhost")


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str
    author: str

    @property
    def trailers(self) -> dict[str, str]:
        out = {}
        for line in self.message.strip().splitlines():
            key, sep, value = line.partition(": ")
            if sep and key.startswith("Refactor-"):
                out[key] = value.strip()
        return out

    @property
    def by_tool(self) -> bool:
        return TOOL_TRAILER in self.trailers


class Git:
    def __init__(self, path: Path) -> None:
        try:
            self.repo = git.Repo(path, search_parent_directories=True)
        except (InvalidGitRepositoryError, NoSuchPathError):
            raise RepositoryError(f"{path}: not inside a git repository (run `git init` and commit first)") from None
        if self.repo.bare:
            raise RepositoryError(f"{path}: a bare repository has no work tree to refactor")
        self.toplevel = Path(self.repo.working_tree_dir).resolve()
        try:
            self.git_dir = Path(self.repo.git.rev_parse("--git-common-dir"))
        except GitCommandError as exc:
            raise RepositoryError(f"{self.toplevel}: git refuses this repository: {git_error_line(exc)}") from None
        if not self.git_dir.is_absolute():
            self.git_dir = (self.toplevel / self.git_dir).resolve()
        self.state_dir = self.git_dir / "refactor"
        self._checkout_options: list[str] | None = None

    def run(self, *args: str) -> str:
        try:
            return self.repo.git.execute(["git", *args], with_extended_output=False, strip_newline_in_stdout=True)
        except GitCommandError as exc:
            detail = (exc.stderr or exc.stdout or "").strip().splitlines()
            raise RepositoryError(f"{self.toplevel}: git {_command(args)} failed: "
                                  f"{detail[-1] if detail else exc}") from None

    # -- reading ---------------------------------------------------------------------------------
    def head(self) -> str:
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            raise RepositoryError(f"{self.toplevel}: the repository has no commits yet; commit your code first") from None

    def resolve(self, ref: str) -> str | None:
        try:
            return self.repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
        except GitCommandError:
            return None

    def branch_tip(self, branch: str) -> str | None:
        return self.resolve(f"refs/heads/{branch}")

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        try:
            self.repo.git.merge_base("--is-ancestor", ancestor, descendant)
            return True
        except GitCommandError:
            return False

    def commits(self, base: str, tip: str) -> list[Commit]:
        """Commits reachable from tip but not base, oldest first."""
        out = []
        for commit in reversed(list(self.repo.iter_commits(f"{base}..{tip}"))):
            out.append(Commit(commit.hexsha, commit.message, f"{commit.author.name} <{commit.author.email}>"))
        return out

    def commit_info(self, sha: str) -> Commit:
        commit = self.repo.commit(sha)
        return Commit(commit.hexsha, commit.message, f"{commit.author.name} <{commit.author.email}>")

    def parent(self, sha: str) -> str | None:
        commit = self.repo.commit(sha)
        return commit.parents[0].hexsha if commit.parents else None

    def holds(self, commit: str) -> bool:
        """Whether the user's checkout is at `commit` with nothing changed, staged or untracked (ignored
        files aside): its files are that commit's. Files git is told not to compare (assume-unchanged) or
        not to check out (skip-worktree) are files `git status` cannot vouch for: then it does not hold."""
        if self.head() != commit or self.run("status", "--porcelain", "--untracked-files=normal"):
            return False
        return not any(line[:1].islower() or line[:1] == "S" for line in self.run("ls-files", "-v").splitlines())

    def dirty(self) -> list[str]:
        """Tracked files with uncommitted changes (staged or not)."""
        out = self.run("status", "--porcelain", "--untracked-files=no")
        return [line[3:] for line in out.splitlines() if line.strip()]

    def branches(self, prefix: str) -> list[str]:
        out = self.run("for-each-ref", "--format=%(refname:short)", f"refs/heads/{prefix}/")
        return sorted(line for line in out.splitlines() if line)

    def identity(self) -> tuple[str, str]:
        reader = self.repo.config_reader()
        name = reader.get_value("user", "name", "") if reader.has_section("user") else ""
        email = reader.get_value("user", "email", "") if reader.has_section("user") else ""
        return (str(name) or FALLBACK_IDENTITY[0], str(email) or FALLBACK_IDENTITY[1])

    # -- worktrees -------------------------------------------------------------------------------
    def worktree_root(self) -> Path:
        return self.state_dir / "worktrees"

    def prune_stale_worktrees(self) -> list[Path]:
        """Remove worktrees a killed run left behind (only ours, under the state directory)."""
        removed = []
        root = self.worktree_root()
        if root.is_dir():
            for folder in sorted(root.iterdir()):
                pid = folder.name.rpartition("-")[2]
                if pid.isdigit() and _alive(int(pid)):
                    continue
                self.remove_worktree(folder)
                removed.append(folder)
        self.run("worktree", "prune")
        return removed

    @contextmanager
    def worktree(self, commit: str, label: str):
        """A detached worktree at `commit`, removed afterwards whatever happens."""
        self.prune_stale_worktrees()
        path = self.worktree_root() / f"{label}-{os.getpid()}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            self.remove_worktree(path)
        self.add_worktree(path, commit)
        try:
            yield path
        finally:
            self.remove_worktree(path)

    def reset_worktree(self, path: Path, commit: str) -> None:
        """Our worktree `path`, checked out at `commit` with nothing else in it: only the files that differ
        are written (far cheaper than a new worktree of a large repository)."""
        self.run_in(path, *self.parallel_checkout(), "checkout", "--force", "--quiet", "--detach", commit)
        self.run_in(path, "clean", "-fdq")

    def parallel_checkout(self) -> list[str]:
        """Git options that write a checkout's files with one worker per core (git 2.32 and later; an older
        git ignores them): a worktree of a large repository is mostly file creation, which one process
        leaves waiting on the disk. No options when the user's configuration sets `checkout.workers` itself."""
        if self._checkout_options is None:
            try:
                self.repo.git.execute(["git", "config", "--get", "checkout.workers"])
                self._checkout_options = []
            except GitCommandError:   # (exit 1: not set)
                self._checkout_options = ["-c", "checkout.workers=0"]   # (0: one per logical core)
        return self._checkout_options

    def python_changes(self, path: Path) -> bool:
        """Whether our worktree `path` differs from its HEAD in a Python file: changed, deleted, or new and
        not ignored (what a stage's plan reads)."""
        return bool(self.run_in(path, "status", "--porcelain", "--untracked-files=all", "--", "*.py"))

    def run_in(self, path: Path, *args: str) -> str:
        try:
            return self.repo.git.execute(["git", "-C", str(path), *args])
        except GitCommandError as exc:
            raise RepositoryError(f"{path}: git {_command(args)} failed: {git_error_line(exc)}") from None

    # -- replaying commits in a worktree (restack) ------------------------------------------------------
    def cherry_pick(self, path: Path, sha: str) -> list[str] | None:
        """Replay `sha` in our worktree `path`: None when it applies, else the files in conflict (maybe none)."""
        try:
            self.repo.git.execute(["git", "-C", str(path), "cherry-pick", "--allow-empty",
                                   "--keep-redundant-commits", sha])
        except GitCommandError:
            return self.unmerged(path)
        return None

    def unmerged(self, path: Path) -> list[str]:
        return self.repo.git.execute(["git", "-C", str(path), "diff", "--name-only", "--diff-filter=U"]).split()

    def continue_cherry_pick(self, path: Path) -> None:
        """Commit a resolved cherry-pick in `path` (nothing to do when none is in progress)."""
        try:
            self.repo.git.execute(["git", "-C", str(path), "-c", "core.editor=true", "cherry-pick", "--continue"])
        except GitCommandError as exc:
            if "no cherry-pick" not in str(exc).lower() and "nothing to commit" not in str(exc).lower():
                raise RepositoryError(f"{path}: git cherry-pick --continue failed: "
                                      f"{str(exc).strip().splitlines()[-1]}") from None

    def abort_cherry_pick(self, path: Path) -> None:
        try:
            self.repo.git.execute(["git", "-C", str(path), "cherry-pick", "--abort"])
        except GitCommandError:
            pass

    def head_of(self, path: Path) -> str:
        return self.run_in(path, "rev-parse", "HEAD")

    def add_worktree(self, path: Path, commit: str) -> None:
        self.run(*self.parallel_checkout(), "worktree", "add", "--detach", "--quiet", str(path), commit)

    @contextmanager
    def adding_worktree(self, path: Path, commit: str):
        """`add_worktree` while the block runs (git writes the files meanwhile): the worktree is ready when
        the block ends. Whatever fails, git or the block, leaves no worktree behind."""
        process = subprocess.Popen(["git", *self.parallel_checkout(), "worktree", "add", "--detach", "--quiet", str(path), commit],
                                   cwd=self.toplevel, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        try:
            yield
        except BaseException:
            process.communicate()
            self.remove_worktree(path)
            raise
        _, error = process.communicate()
        if process.returncode != 0:
            self.remove_worktree(path)
            detail = error.decode("utf-8", "replace").strip().splitlines()
            raise RepositoryError(f"{self.toplevel}: git worktree add failed: "
                                  f"{detail[-1] if detail else f'exit {process.returncode}'}")

    def remove_worktree(self, path: Path) -> None:
        try:
            self.repo.git.execute(["git", "worktree", "remove", "--force", str(path)])
        except GitCommandError:
            pass
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
        try:
            self.repo.git.execute(["git", "worktree", "prune"])
        except GitCommandError:
            pass

    def commit_in(self, worktree: Path, paths: list[str], message: str) -> str:
        """Stage exactly `paths` (added, changed or deleted) in the worktree and commit them."""
        name, email = self.identity()
        tree = git.Repo(worktree)
        tree.git.execute(["git", "add", "--all", "--", *paths])
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
               "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
        tree.git.execute(["git", "commit", "--quiet", "--no-verify", "-m", message], env={**os.environ, **env})
        return tree.head.commit.hexsha

    @contextmanager
    def lock(self):
        """One refactor run at a time per repository; a lock left by a killed run is taken over."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        path = self.state_dir / "lock"
        for _ in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                break
            except FileExistsError:
                holder = path.read_text().strip() if path.exists() else ""
                if holder.isdigit() and int(holder) != os.getpid() and _alive(int(holder)):
                    raise RepositoryError(f"another refactor run (pid {holder}) is working on {self.toplevel}; "
                                          f"wait for it, or delete {path} if that process is gone") from None
                path.unlink(missing_ok=True)
        else:  # pragma: no cover - lost a race twice
            raise RepositoryError(f"cannot take the lock {path}")
        try:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            yield
        finally:
            path.unlink(missing_ok=True)

    # -- refs --------------------------------------------------------------------------------------
    def create_branch(self, branch: str, sha: str, *, expect: str | None = None) -> None:
        """Point `branch` at `sha` atomically: only if it does not exist (or is exactly at `expect`)."""
        old = expect if expect is not None else "0" * 40
        self.run("update-ref", "-m", "refactor: stage", f"refs/heads/{branch}", sha, old)

    def save_backup(self, branch: str, sha: str, stamp: str) -> str:
        ref = f"refs/refactor-backup/{branch}/{stamp}"
        self.run("update-ref", ref, sha, "0" * 40)
        return ref

    def current_branch(self) -> str | None:
        try:
            return self.repo.active_branch.name
        except TypeError:
            return None


def _command(args: tuple[str, ...]) -> str:
    """The git command `args` run, in two words, for a message (its `-c name=value` options left out)."""
    words = list(args)
    while words[:1] == ["-c"]:
        del words[:2]
    return " ".join(words[:2])


def git_error_line(exc: GitCommandError) -> str:
    """The one line of a git failure worth showing (git's own message, its advice folded in)."""
    text = " ".join(str(exc.stderr or exc.stdout or exc).replace("stderr:", " ").split())
    return text.strip(" '\"") or str(exc)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
