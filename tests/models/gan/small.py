"""Small GAN settings and striped images, shared by the GAN tests."""

import numpy as np


SMALL = {"noise_dim": 8, "generator_hidden": (16,), "discriminator_hidden": (16,), "label_dim": 4}



def stripes(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Three classes of 6x6 uint8 images: class k lights up rows 2k..2k+1."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, count)
    x = rng.integers(0, 40, (count, 6, 6)).astype(np.uint8)
    for k in range(3):
        x[y == k, 2 * k:2 * k + 2] += 200
    return x, y.astype(np.int64)

