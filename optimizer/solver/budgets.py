"""OR-Tools budgets during the search: cut to the time left, and grown or shrunk by how often routing wins."""

from __future__ import annotations

from dataclasses import replace

from optimizer.routing import SearchBudget


def capped(budget: SearchBudget, left_s: float, calls: int) -> SearchBudget:
    """``budget`` with its time cut so that ``calls`` OR-Tools calls fit in ``left_s`` seconds (0.05 s each at
    least); unchanged while there is time to spare, so work-bounded runs stay reproducible."""
    share = max(0.05, left_s / max(1, calls))
    return budget if share >= budget.time_s else replace(budget, time_s=share)


def by_success(value: int, success: float, low: int, high: int) -> int:
    """Double ``value`` when fewer than a fifth of OR-Tools' routings won, halve it when over half did, within
    [``low``, ``high``]."""
    if success < 0.2:
        return min(high, 2 * value)
    if success > 0.5:
        return max(low, value // 2)
    return value


def adapt(budget: SearchBudget, success: float, low: SearchBudget) -> SearchBudget:
    """OR-Tools' solution budget by ``by_success``, within [``low``, 16 x ``low``]."""
    if budget.solutions is None or low.solutions is None:
        return budget
    return replace(budget, solutions=by_success(budget.solutions, success, low.solutions, 16 * low.solutions))


def adapt_every(every: int, success: float) -> int:
    """Route afresh every so many iterations, by ``by_success``: half as often while it rarely wins (1 to 16)."""
    return by_success(every, success, 1, 16)
