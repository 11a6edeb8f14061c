"""One exception base for every user-facing error; the CLI prints `str(error)` as one line."""

from __future__ import annotations


class RefactorError(Exception):
    """A problem the user can fix. Its message is one readable line naming what and where."""

    exit_code = 2


class PlanError(RefactorError):
    """The plan file is missing, malformed, or names things that do not exist."""

    def __init__(self, path: object, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(f"{where}{problem}")


class RepositoryError(RefactorError):
    """The repository is not in a state the command can work on (dirty tree, missing branch)."""

