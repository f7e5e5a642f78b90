"""Judge metrics on tiny sets: agreement, class spread, missing classes, Frechet distance."""

import numpy as np
import pytest

from classicnets.judges.gan import judge_samples
from classicnets.judges.judge import Judge


class BrightnessJudge(Judge):
    """Sees class k in an image whose mean brightness is near k / 10; its features are the pixel means."""

    def __init__(self) -> None:
        super().__init__(model=None, test_accuracy=1.0, path=None)

    def judge(self, images, batch_size=500):
        means = images.reshape(len(images), -1).mean(axis=1)
        classes = np.clip(np.round(means * 10), 0, 2).astype(int)
        return np.eye(3)[classes], np.stack([means, means ** 2], axis=1)


class StubGAN:
    """Draws images of brightness label / 10 (or always class 0 when collapsed), plus a little noise."""

    def __init__(self, conditional: bool, collapsed: bool = False) -> None:
        self.conditional, self.collapsed = conditional, collapsed

    def sample(self, count, labels=None, seed=0):
        rng = np.random.default_rng(seed)
        if labels is None:
            labels = np.zeros(count) if self.collapsed else np.arange(count) % 3
        levels = np.broadcast_to(np.asarray(labels, float), (count,)) / 10
        return (levels[:, None, None, None] + rng.normal(0, 0.01, (count, 4, 4, 1))).astype(np.float32)


NAMES = ["a", "b", "c"]


def real_features(count=300):
    images = StubGAN(True).sample(count, np.arange(count) % 3, seed=9)
    return BrightnessJudge().judge(images)[1]


def test_a_faithful_cgan_gets_full_agreement_and_an_even_spread():
    report = judge_samples(StubGAN(True), BrightnessJudge(), real_features(), NAMES, per_class=50)
    assert report["num_generated"] == 150
    assert report["judge_agreement"] == 1.0
    assert report["per_class_agreement"] == {"a": 1.0, "b": 1.0, "c": 1.0}
    assert report["class_spread"] == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
    assert report["missing_classes"] == [] and report["judge_confidence"] == 1.0
    assert report["frechet_distance"] < 1e-3


def test_a_collapsed_gan_shows_in_the_spread_and_the_distance():
    report = judge_samples(StubGAN(False, collapsed=True), BrightnessJudge(), real_features(), NAMES, per_class=50)
    assert "judge_agreement" not in report
    assert report["largest_class_share"] == 1.0 and report["missing_classes"] == ["b", "c"]
    healthy = judge_samples(StubGAN(False), BrightnessJudge(), real_features(), NAMES, per_class=50)
    assert report["frechet_distance"] > 100 * max(healthy["frechet_distance"], 1e-6)
