"""Named random streams and distribution samplers.

One ``SeedSequence`` per (seed, replication); every purpose gets its own generator, keyed by
a stable hash of its name, so adding a stream never changes the numbers of existing ones and
replication k is the same whether run alone, in a batch or in parallel.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from functools import partial
from itertools import chain, repeat

import numpy as np

from ..model.distributions import (
    AnyDistribution,
    Constant,
    Empirical,
    Erlang,
    Exponential,
    Gamma,
    LogNormal,
    Uniform,
)

BATCH = 512


def stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of independent generators named by purpose (``arrivals/208``, ``outcome``...)."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._cache: dict[str, np.random.Generator] = {}

    def generator(self, name: str) -> np.random.Generator:
        gen = self._cache.get(name)
        if gen is None:
            sequence = np.random.SeedSequence(self.seed, spawn_key=(self.replication, stream_key(name)))
            gen = np.random.Generator(np.random.PCG64(sequence))
            self._cache[name] = gen
        return gen

    def uniform(self, name: str) -> Callable[[], float]:
        return _batched(self.generator(name).random)

    def unit_exponential(self, name: str) -> Callable[[], float]:
        return _batched(self.generator(name).standard_exponential)

    def unit_exponential_blocks(self, name: str) -> Callable[[], np.ndarray]:
        """The values of ``unit_exponential(name)``, a block (array) of BATCH at a time."""
        return partial(_block_array, self.generator(name).standard_exponential)

    def sampler(self, dist: AnyDistribution, name: str) -> Callable[[], float]:
        """Return a zero-argument function drawing from ``dist`` on stream ``name``."""
        if isinstance(dist, Constant):
            return repeat(float(dist.value)).__next__
        gen = self.generator(name)
        draw: Callable[[int], np.ndarray]
        if isinstance(dist, Exponential):
            draw = partial(_exponential, gen, dist.mean)
        elif isinstance(dist, Uniform):
            draw = partial(_uniform, gen, dist.low, dist.high)
        elif isinstance(dist, LogNormal):
            if dist.sd == 0:
                return repeat(float(dist.mean)).__next__
            sigma2 = math.log1p((dist.sd / dist.mean) ** 2)
            mu = math.log(dist.mean) - sigma2 / 2
            draw = partial(_lognormal, gen, mu, math.sqrt(sigma2))
        elif isinstance(dist, Gamma):
            shape = (dist.mean / dist.sd) ** 2
            scale = dist.sd**2 / dist.mean
            draw = partial(_gamma, gen, shape, scale)
        elif isinstance(dist, Erlang):
            draw = partial(_gamma, gen, dist.k, dist.mean / dist.k)
        elif isinstance(dist, Empirical):
            draw = partial(_pick, gen, np.asarray(dist.values, dtype=float))
        else:  # pragma: no cover - the model admits no other kind
            raise TypeError(f"unknown distribution {dist!r}")
        return _batched(draw)


# Block samplers, bound to a generator and parameters with functools.partial: draw(n).
def _exponential(gen: np.random.Generator, mean: float, n: int) -> np.ndarray:
    return gen.exponential(mean, n)


def _uniform(gen: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return gen.uniform(low, high, n)


def _lognormal(gen: np.random.Generator, mu: float, sigma: float, n: int) -> np.ndarray:
    return gen.lognormal(mu, sigma, n)


def _gamma(gen: np.random.Generator, shape: float, scale: float, n: int) -> np.ndarray:
    return gen.gamma(shape, scale, n)


def _pick(gen: np.random.Generator, values: np.ndarray, n: int) -> np.ndarray:
    """``n`` values drawn with replacement from ``values`` (the empirical distribution)."""
    return values[gen.integers(0, len(values), n)]


def _block_array(draw: Callable[[int], np.ndarray]) -> np.ndarray:
    return np.maximum(draw(BATCH), 0.0)


def _block(draw: Callable[[int], np.ndarray]) -> list[float]:
    return _block_array(draw).tolist()


def _batched(draw: Callable[[int], np.ndarray]) -> Callable[[], float]:
    """The next value of ``draw``, drawn in blocks of BATCH values: scalar numpy calls cost
    more than the arithmetic. The returned function is a C-level iterator step."""
    return chain.from_iterable(map(_block, repeat(draw))).__next__
