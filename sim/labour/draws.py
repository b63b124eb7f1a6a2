"""Counter-based uniforms (satunnaisluvut): the i-th number of a stream is a hash of (key, i).

A stream is a 64-bit key drawn from one of the model's seeded generators; its i-th uniform
is SplitMix64's i-th output from that key (Steele, Lea & Flood 2014, "Fast splittable
pseudorandom number generators", OOPSLA; the generator that seeds xoshiro, and passes
BigCrush). Kernels compute the number they need where they need it, so:

- nothing is drawn ahead into an array the size of the month's applications or of the
  population (at Finland's scale 74 MB a month for matching alone, drawn, written and read
  back);
- a number belongs to its item (application, person), not to the order of the draws, so a
  kernel split over threads draws the same numbers on any number of threads.

Keys are drawn from the model's generators, so the seed still fixes every number. Two keys'
streams overlap only when they differ by a small multiple of the generator's increment:
for random keys and streams of ten million numbers, about one chance in 10^12 a pair.
"""

from __future__ import annotations

import numba as nb
import numpy as np

GOLDEN_GAMMA = 0x9E3779B97F4A7C15  # SplitMix64's increment (odd; 2^64 / golden ratio)
MIX_1 = 0xBF58476D1CE4E5B9
MIX_2 = 0x94D049BB133111EB
TO_UNIT = 1.0 / 9007199254740992.0  # 2^-53: the top 53 bits as a double in [0, 1)


@nb.njit
def uniform(key, i):
    """The ``i``-th uniform in [0, 1) of the stream ``key`` (both uint64-convertible)."""
    z = np.uint64(key) + (np.uint64(i) + np.uint64(1)) * np.uint64(GOLDEN_GAMMA)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX_1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX_2)
    z = z ^ (z >> np.uint64(31))
    return np.float64(z >> np.uint64(11)) * TO_UNIT


# Kernels take their uniforms as an array (tests set them by hand) or, when the array is
# empty, as a stream key; the branch is the same on every call, so the CPU predicts it.
@nb.njit
def draw(u, key, i):
    """Uniform ``i``: ``u[i]``, or with an empty ``u`` the stream ``key``'s number ``i``."""
    if u.shape[0] > 0:
        return u[i]
    return uniform(key, i)


@nb.njit
def draw3(u, key, r, c):
    """Entry ``[r, c]`` of three uniforms a row: ``u[r, c]``, or the stream's ``3r + c``.

    The stream ``key`` serves when ``u`` has no rows.
    """
    if u.shape[0] > 0:
        return u[r, c]
    return uniform(key, 3 * r + c)


@nb.njit(cache=True)
def _uniforms_kernel(key, start, out):
    for j in range(out.shape[0]):
        out[j] = uniform(key, start + j)


NO_UNIFORMS = np.empty(0)  # the array argument when the kernel draws from a key
NO_ROWS = np.empty((0, 3))


def new_key(rng: np.random.Generator) -> np.uint64:
    """A fresh stream's key, drawn from the model's generator ``rng``."""
    return np.uint64(rng.integers(0, 2**64, dtype=np.uint64))


def uniforms(key: int, n: int, start: int = 0) -> np.ndarray:
    """Numbers ``start .. start + n - 1`` of the stream ``key``, as an array.

    What a kernel computes in place; for tests, and for callers that need the array.
    """
    if n < 0 or start < 0:
        raise ValueError(f"n and start must be non-negative, got n={n}, start={start}")
    out = np.empty(int(n))
    _uniforms_kernel(np.uint64(key), np.uint64(start), out)
    return out


def uniforms_or_key(u: np.ndarray | int, n: int) -> tuple[np.ndarray, np.uint64]:
    """A per-person kernel's uniforms: ``(u, 0)`` for an array, ``(empty, u)`` for a key.

    ``u`` is either ``n`` uniforms or a stream key, whose numbers the kernel then computes
    (:func:`draw`).
    """
    if isinstance(u, int | np.integer):
        return NO_UNIFORMS, np.uint64(u)
    if u.shape != (n,):
        raise ValueError(f"u must have one entry per person ({n}), got shape {u.shape}")
    return u, np.uint64(0)


@nb.njit(cache=True)
def _sample_kernel(items, starts, ends, take, key, scratch, out):
    # Compile time: element loops, not slice assignment (which compiles numpy's
    # broadcasting and its error messages, two seconds of a cold start).
    k = 0  # the output's position, also the number of the stream's uniform it uses
    for g in range(starts.shape[0]):
        n = ends[g] - starts[g]
        for i in range(n):
            scratch[i] = items[starts[g] + i]
        for j in range(take[g]):  # Fisher-Yates, stopped after the group's take
            r = j + int(uniform(key, k) * (n - j))
            kept = scratch[r]
            scratch[r] = scratch[j]
            out[k] = kept
            k += 1


def sample_groups(key: int, items: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                  take: np.ndarray) -> np.ndarray:
    """``take[g]`` of ``items[starts[g]:ends[g]]`` for each group g, without replacement.

    Each group's draw is uniform over its items and in random order, the groups' draws one
    after another. Performance: one compiled pass, with the stream ``key``'s numbers, in
    place of a generator's ``choice(..., replace=False)`` per group (at national scale a
    purchase's pool is drawn municipality by municipality, thousands of small calls a month).
    """
    starts, ends, take = (np.asarray(a, dtype=np.int64) for a in (starts, ends, take))
    if not starts.shape == ends.shape == take.shape or starts.ndim != 1:
        raise ValueError("starts, ends and take must be 1-D and of one length")
    sizes = ends - starts
    if starts.size and (starts.min() < 0 or ends.max() > items.shape[0] or sizes.min() < 0
                        or (take < 0).any() or (take > sizes).any()):
        raise ValueError("each group must be a slice of items and take at most its size")
    out = np.empty(int(take.sum()), dtype=items.dtype)
    scratch = np.empty(int(sizes.max(initial=0)), dtype=items.dtype)
    _sample_kernel(items, starts, ends, take, np.uint64(key), scratch, out)
    return out


def sample(key: int, items: np.ndarray, size: int) -> np.ndarray:
    """``size`` of ``items`` without replacement, in random order (:func:`sample_groups`)."""
    return sample_groups(key, items, [0], [items.shape[0]], [size])
