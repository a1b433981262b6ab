"""The banded solver for closed-loop systems gives what a dense solve gives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from game.sim.cyclic_banded import CyclicBandedMatrix


def cyclic_band(n: int, bandwidth: int, rng: np.random.Generator) -> np.ndarray:
    """A random symmetric positive definite matrix coupling samples up to ``bandwidth`` apart around a loop."""
    coupling = np.zeros((n, n))
    for i in range(n):
        for d in range(-bandwidth, bandwidth + 1):
            coupling[i, (i + d) % n] = rng.normal()
    return coupling @ coupling.T + 0.1 * np.eye(n)  # bandwidth 2 * bandwidth


@pytest.mark.parametrize("n", [9, 40, 301])
@pytest.mark.parametrize("bandwidth", [1, 2])
def test_solve_matches_a_dense_solve_with_the_loop_closing_corners(n: int, bandwidth: int):
    rng = np.random.default_rng(n + bandwidth)
    matrix = cyclic_band(n, bandwidth, rng)
    assert np.any(matrix[0, -bandwidth:] != 0.0)  # the corners are there
    rhs = rng.normal(size=n)
    extra = rng.uniform(0.0, 3.0, size=n)
    banded = CyclicBandedMatrix(sparse.csr_matrix(matrix), bandwidth=2 * bandwidth)
    np.testing.assert_allclose(banded.solve(rhs), np.linalg.solve(matrix, rhs), rtol=1e-8, atol=1e-10)
    expected = np.linalg.solve(matrix + np.diag(extra), rhs)
    np.testing.assert_allclose(banded.solve(rhs, extra_diagonal=extra), expected, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(banded.solve(rhs), np.linalg.solve(matrix, rhs), rtol=1e-8, atol=1e-10)  # unchanged


def test_a_plain_banded_matrix_needs_no_corner_correction():
    n = 50
    matrix = sparse.diags([-np.ones(n - 1), 4.0 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1])
    rhs = np.arange(n, dtype=float)
    solved = CyclicBandedMatrix(matrix, bandwidth=1).solve(rhs)
    np.testing.assert_allclose(matrix @ solved, rhs, atol=1e-10)


@pytest.mark.parametrize(
    ("entry", "bandwidth", "n", "message"),
    [((0, 5), 2, 20, "farther than 2"), ((0, 1), 10, 20, "bandwidth"), ((0, 1), 0, 20, "bandwidth")],
)
def test_entries_outside_the_band_and_bad_bandwidths_are_refused(entry, bandwidth, n, message):
    matrix = np.eye(n)
    matrix[entry] = 1.0
    with pytest.raises(ValueError, match=message):
        CyclicBandedMatrix(matrix, bandwidth=bandwidth)
