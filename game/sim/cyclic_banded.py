"""Linear systems whose matrix is banded around a loop, as every matrix of a closed track is.

A quantity at track sample i that couples only to its neighbours i - b .. i + b (a second difference, a
curvature) gives a matrix that is banded except for the small corner blocks where the loop closes (sample 0
neighbours sample n - 1). Such a system is solved as a banded one (LAPACK's banded LU, O(n b^2)) plus a
rank-4b Woodbury correction for the corners: several times faster than a general sparse solve.

This module never imports pygame.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.linalg import solve, solve_banded


class CyclicBandedMatrix:
    """A square matrix whose entries (i, j) are zero unless i and j are at most ``bandwidth`` apart around a loop.

    Args:
        matrix: The matrix, sparse or dense (n, n); entries outside the cyclic band raise ``ValueError``.
        bandwidth: Largest cyclic distance |i - j| (mod n) of a non-zero entry.
    """

    def __init__(self, matrix: sparse.spmatrix | np.ndarray, bandwidth: int) -> None:
        coo = sparse.coo_matrix(matrix)
        n = coo.shape[0]
        if coo.shape != (n, n):
            raise ValueError(f"need a square matrix, got {coo.shape}")
        if not (1 <= bandwidth and 2 * bandwidth < n):
            raise ValueError(f"need 1 <= bandwidth < n / 2, got {bandwidth} for n = {n}")
        self.n = n
        self.bandwidth = bandwidth
        b = bandwidth
        rows, cols, values = coo.row, coo.col, coo.data
        distance = cols - rows
        in_band = np.abs(distance) <= b
        wrapped = ~in_band & (np.minimum(np.abs(distance), n - np.abs(distance)) <= b)
        if np.any(~in_band & ~wrapped & (values != 0.0)):
            raise ValueError(f"the matrix has entries farther than {b} from the diagonal around the loop")
        # Banded storage for solve_banded: bands[b + i - j, j] = a[i, j].
        self.bands = np.zeros((2 * b + 1, n))
        np.add.at(self.bands, (b + rows[in_band] - cols[in_band], cols[in_band]), values[in_band])
        # The corners: the loop-closing entries, as V @ W @ V.T with V the unit columns of the 2b end samples.
        self._ends = np.concatenate([np.arange(b), np.arange(n - b, n)])
        position = np.full(n, -1)
        position[self._ends] = np.arange(2 * b)
        self._corner = np.zeros((2 * b, 2 * b))
        np.add.at(self._corner, (position[rows[wrapped]], position[cols[wrapped]]), values[wrapped])
        # Right-hand sides solved beside each rhs for the correction: V's columns (none without corners).
        self._unit = np.zeros((n, 2 * b if np.any(self._corner) else 0))
        if self._unit.shape[1]:
            self._unit[self._ends, np.arange(2 * b)] = 1.0

    def solve(self, rhs: np.ndarray, extra_diagonal: np.ndarray | None = None) -> np.ndarray:
        """Solve ``(A + diag(extra_diagonal)) x = rhs`` for one right-hand side (n,)."""
        b = self.bandwidth
        bands = self.bands
        if extra_diagonal is not None:
            bands = bands.copy()
            bands[b] += extra_diagonal
        solved = solve_banded((b, b), bands, np.column_stack([rhs, self._unit]), check_finite=False)
        x, spread = solved[:, 0], solved[:, 1:]
        if not self._unit.shape[1]:
            return x
        # Woodbury: (B + V W V')^-1 r = y - Z (I + W V'Z)^-1 W V'y with y = B^-1 r, Z = B^-1 V.
        capacitance = np.eye(2 * b) + self._corner @ spread[self._ends]
        return x - spread @ solve(capacitance, self._corner @ x[self._ends], check_finite=False)
