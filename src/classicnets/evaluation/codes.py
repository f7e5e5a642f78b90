"""A scatter plot of codes (an autoencoder's compressed features) coloured by class: arrays in, PNG out."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classicnets.evaluation._figures import new_figure, save_figure

MAX_POINTS = 5000  # more only hides the colours under each other


def project_to_2d(codes: np.ndarray, seed: int = 0) -> tuple[np.ndarray, str]:
    """(N, D) codes -> (N, 2) points and how they were made: as they are for D <= 2, else the first two
    principal components (PCA)."""
    codes = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
    if codes.shape[1] == 2:
        return codes, "code"
    if codes.shape[1] == 1:
        return np.column_stack([codes[:, 0], np.zeros(len(codes))]), "code"
    from sklearn.decomposition import PCA  # imported here: only this plot needs scikit-learn

    pca = PCA(n_components=2, random_state=seed).fit(codes)
    explained = pca.explained_variance_ratio_.sum()
    return pca.transform(codes), f"PCA of {codes.shape[1]}-D codes ({explained:.0%} of variance)"


def plot_codes(codes: np.ndarray, labels: np.ndarray, class_names: list[str], path: str | Path,
               seed: int = 0) -> Path:
    """Scatter the codes of up to MAX_POINTS examples in 2-D (PCA for longer codes), coloured by label."""
    labels = np.asarray(labels)
    if len(codes) != len(labels) or len(codes) == 0:
        raise ValueError(f"need one label per code and at least one code. Received {len(codes)} codes, "
                         f"{len(labels)} labels")
    picked = np.random.default_rng(seed).permutation(len(codes))[:MAX_POINTS]
    points, method = project_to_2d(np.asarray(codes)[picked], seed)
    figure = new_figure(7.5, 6.0)
    axes = figure.subplots()
    colours = "tab10" if len(class_names) <= 10 else "tab20"
    scatter = axes.scatter(points[:, 0], points[:, 1], c=labels[picked], cmap=colours, s=4, alpha=0.7,
                           vmin=-0.5, vmax=len(class_names) - 0.5)
    bar = figure.colorbar(scatter, ax=axes, ticks=np.arange(len(class_names)))
    bar.ax.set_yticklabels(class_names)
    axes.set_xlabel("component 1" if method.startswith("PCA") else "code 1")
    axes.set_ylabel("component 2" if method.startswith("PCA") else "code 2")
    axes.set_title(f"Test codes coloured by class: {method}, {len(picked)} examples")
    return save_figure(figure, path)
