"""The project's one error family, at the bottom layer: every package raises these for problems a planner can fix.

``ruralpost`` maps the family to exit status 2 and one line (the message names the file, line, key or id).
This module imports nothing of the project.
"""

from __future__ import annotations


class RuralpostError(Exception):
    """Base of every error the planner is meant to read: the message says what is wrong and what is allowed."""


class InputError(RuralpostError, ValueError):
    """Bad input a planner can fix: the message names the file, row, key or id, and what is allowed."""


class InfeasibleError(InputError):
    """The problem has no feasible plan; ``problems`` lists every reason found, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("no feasible plan:\n  " + "\n  ".join(problems))


class SolverError(RuralpostError, RuntimeError):
    """A solver returned something it should not (an infeasible solution, customers left out): a bug or a limit,
    never the planner's input."""
