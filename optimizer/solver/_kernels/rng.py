"""A small deterministic random number generator (xorshift64*) whose state is a one-element ``uint64`` array, so
the same seed gives the same numbers on any machine."""

from __future__ import annotations

import numpy as np
from numba import njit

_MULTIPLIER = np.uint64(2685821657736338717)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2 ** -53


@njit(cache=True)
def next_u64(state: np.ndarray) -> np.uint64:
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * _MULTIPLIER


@njit(cache=True)
def randint(state: np.ndarray, n: int) -> int:
    """A whole number in [0, n) (n at least 1)."""
    return int(next_u64(state) % np.uint64(n))


@njit(cache=True)
def uniform(state: np.ndarray) -> float:
    """A number in [0, 1)."""
    return float(next_u64(state) >> np.uint64(11)) * _TO_UNIT


@njit(cache=True)
def shuffle(state: np.ndarray, values: np.ndarray, n: int) -> None:
    """Shuffle ``values[:n]`` in place (Fisher-Yates)."""
    for i in range(n - 1, 0, -1):
        j = randint(state, i + 1)
        values[i], values[j] = values[j], values[i]


def seeded(seed: int) -> np.ndarray:
    """A fresh state for ``seed`` (any whole number; never the all-zero state)."""
    mixed = (int(seed) * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) % (1 << 64)
    return np.array([mixed or 1], dtype=np.uint64)
