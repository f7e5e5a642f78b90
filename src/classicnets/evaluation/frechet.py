"""The Frechet distance between two sets of feature vectors (as in FID, on any classifier's features)."""

from __future__ import annotations

import numpy as np


def _moments(features: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and covariance (D, D) of (N, D) features."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"{name} must be (N, D) with N >= 2. Received shape: {features.shape}")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def _symmetric_sqrt(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix (negative round-off eigenvalues clipped)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2)) of two Gaussians fitted to the features.

    tr((S_a S_b)^(1/2)) is computed as tr((R S_b R)^(1/2)) with R = S_a^(1/2): the same eigenvalues, but a
    symmetric matrix, so no complex round-off."""
    mean_a, cov_a = _moments(features_a, "features_a")
    mean_b, cov_b = _moments(features_b, "features_b")
    if mean_a.shape != mean_b.shape:
        raise ValueError(f"feature sizes differ: {mean_a.shape[0]} vs {mean_b.shape[0]}")
    root_a = _symmetric_sqrt(cov_a)
    cross = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_cross = float(np.sum(np.sqrt(np.clip(cross, 0, None))))
    distance = float(np.sum((mean_a - mean_b) ** 2)) + float(np.trace(cov_a) + np.trace(cov_b)) - 2 * trace_cross
    return max(distance, 0.0)
