"""Each zoo model's figure next to what the study notes claim for it, and a plain verdict.

The notes measured on MNIST; a zoo run may train on Fashion-MNIST (clothes: harder than digits), on the bundled
8x8 digits or on the user's data, and the verdict says so instead of comparing unlike numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from classicnets.errors import UserError
from classicnets.zoo.runner import Outcome
from classicnets.zoo.word_examples import completion_examples, read_words_of, translation_examples

PCA_128_FASHION_MSE = 0.0063  # bench/README.md: PCA with 128 components on Fashion-MNIST's test images
GAN_LARGEST_CLASS = 0.25  # a larger share of one class is mode collapse (docs/models.md)
WORKING_AGREEMENT = 0.8  # judge agreement at which a conditional GAN draws the class it is asked for


@dataclass(frozen=True)
class Verdict:
    """The notes' claim, this run's figure, and how they compare: tone is 'better', 'same', 'worse' or 'other'."""

    claim: str
    here: str
    verdict: str
    tone: str = "other"
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (input, output, remark) rows


def data_caveat(dataset: str) -> str:
    """Why an accuracy on this dataset does not compare one for one with the notes' MNIST figure."""
    if dataset == "mnist":
        return ""
    if dataset == "fashion-mnist":
        return "Fashion-MNIST (clothes) is harder than MNIST (digits): the same network scores lower on it"
    if dataset == "digits":
        return "the bundled 8x8 digits are not MNIST"
    return f"{dataset} is not MNIST"


def against_mnist_figure(accuracy: float, claimed: float, dataset: str) -> tuple[str, str]:
    """Verdict and tone of a test accuracy against the notes' MNIST accuracy: a beat on MNIST or on the harder
    Fashion-MNIST is a beat; on other data the numbers are set side by side, not judged."""
    above, level = accuracy > claimed + 0.005, accuracy >= claimed - 0.005
    caveat = data_caveat(dataset)
    if dataset == "mnist":
        if above:
            return f"we beat the notes' ~{claimed:.0%}", "better"
        if level:
            return f"as the notes say (~{claimed:.0%})", "same"
        return f"below the notes' ~{claimed:.0%}", "worse"
    if dataset == "fashion-mnist":
        if above:
            return f"we beat the notes' ~{claimed:.0%}, on harder data: {caveat}", "better"
        return f"below the notes' ~{claimed:.0%} on MNIST; {caveat}", "other"
    side = "above" if above else "level with" if level else "below"
    return f"{side} the notes' ~{claimed:.0%} on MNIST, on other data: {caveat}", "other"


def classifier_claim(claimed: float) -> Callable[[Outcome, dict[str, Outcome], str], Verdict]:
    """softmax, mlp: the notes' MNIST test accuracy."""
    def judge(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
        accuracy = outcome.metrics["test"]["accuracy"]
        verdict, tone = against_mnist_figure(accuracy, claimed, dataset)
        return Verdict(f"~{claimed:.0%} test accuracy on MNIST", f"{accuracy:.2%} on {dataset}", verdict, tone)
    return judge


def ae_classifier_claim(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """The notes: a softmax on a pretrained autoencoder's code beats softmax regression and the MLP."""
    accuracy = outcome.metrics["test"]["accuracy"]
    rivals = {name: zoo[name].metrics["test"]["accuracy"] for name in ("softmax", "mlp")
              if name in zoo and zoo[name].metrics}
    claim = "beats both softmax regression (~91%) and the MLP (~94%)"
    here = f"{accuracy:.2%}" + "".join(f", {name} {value:.2%}" for name, value in rivals.items())
    if not rivals:
        return Verdict(claim, here, "softmax and mlp were not in this run: nothing to compare with")
    beaten = [name for name, value in rivals.items() if accuracy > value]
    if len(beaten) == len(rivals):
        return Verdict(claim, here, f"holds: above {' and '.join(beaten)} on {dataset}", "better")
    behind = [name for name in rivals if name not in beaten]
    return Verdict(claim, here, f"does not hold on {dataset}: below {' and '.join(behind)}"
                   + (f" (above {' and '.join(beaten)})" if beaten else ""), "worse")


def cgan_claim(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """The notes gave up on the conditional GAN; here the judge says how often it draws the class asked for."""
    test = outcome.metrics["test"]
    agreement, classes = test["judge_agreement"], len(test["per_class_agreement"])
    here = (f"the judge sees {agreement:.0%} of its images as the class asked for (chance: {1 / classes:.0%}); "
            f"Frechet distance {test['frechet_distance']:.1f}")
    if agreement >= WORKING_AGREEMENT:
        return Verdict("does not work yet", here, "we beat the notes: it works, it draws the class it is asked for",
                       "better")
    if agreement >= 2 / classes:
        return Verdict("does not work yet", here, "partly works: well above chance, short of "
                       f"{WORKING_AGREEMENT:.0%} (train longer)", "other")
    return Verdict("does not work yet", here, "as the notes say: it does not follow its label yet", "worse")


def gan_claim(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """The GAN draws images like its data: no class missing, none taking over (mode collapse)."""
    test = outcome.metrics["test"]
    largest, missing = test["largest_class_share"], test["missing_classes"]
    here = (f"largest class {largest:.0%} of the samples, missing: {', '.join(missing) or 'none'}; "
            f"Frechet distance {test['frechet_distance']:.1f} (real train vs test: "
            f"{test['frechet_distance_real_train_vs_test']:.1f})")
    if not missing and largest <= GAN_LARGEST_CLASS:
        return Verdict("draws images like its training data", here, "holds: every class drawn, none over "
                       f"{GAN_LARGEST_CLASS:.0%}", "same")
    return Verdict("draws images like its training data", here, "partly: some classes missing or one taking over "
                   "(mode collapse)", "worse")


def linear_regression_claim(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """The notes' line y = 2x: W = 2, b = 0."""
    metrics = outcome.metrics
    weights = list(metrics["W"].values())
    here = (f"W = {', '.join(f'{w:.4f}' for w in weights)}, b = {metrics['b']:.4f} "
            f"(test MSE {metrics['test']['mse']:.2g})")
    if len(weights) == 1 and abs(weights[0] - 2) < 0.05 and abs(metrics["b"]) < 0.05:
        return Verdict("W = 2, b = 0 on x = 1..4, y = 2x", here, "as the notes say", "same")
    return Verdict("W = 2, b = 0 on x = 1..4, y = 2x", here, "not the notes' line (other data or too few epochs)",
                   "worse")


def all_right_claim(claim: str, data: str) -> Callable[[Outcome, dict[str, Outcome], str], Verdict]:
    """linear-classifier, tabular: the notes' lesson data is classified without a mistake."""
    def judge(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
        test = outcome.metrics["test"]
        here = f"{test['accuracy']:.2%} of {test.get('num_examples', '?')} {data}"
        if test["accuracy"] >= 0.99:
            return Verdict(claim, here, "as the notes say", "same")
        return Verdict(claim, here, "does not hold in this run (too few epochs?)", "worse")
    return judge


def autoencoder_claim(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """The notes' dense autoencoder; on Fashion-MNIST the bar is PCA with 128 components."""
    mse = outcome.metrics["test"]["mse"]
    here = f"test MSE {mse:.4f} per pixel on {dataset}"
    claim = "784-256-128-256-784 rebuilds its input (reconstructions look like the inputs)"
    if dataset != "fashion-mnist":
        return Verdict(claim, here, "see the reconstructions; the PCA-128 bar (0.0063) was measured on Fashion-MNIST")
    if mse < PCA_128_FASHION_MSE:
        return Verdict(claim, here, f"beats PCA with 128 components ({PCA_128_FASHION_MSE})", "better")
    return Verdict(claim, here, f"does not beat PCA with 128 components ({PCA_128_FASHION_MSE}) yet", "worse")


def other_autoencoder(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """Autoencoder kinds the notes do not have: their figure, compared with the dense one of this run."""
    test = outcome.metrics["test"]
    here = f"test MSE {test['mse']:.4f} per pixel"
    if "noise_reduction" in test:
        here += (f"; noisy inputs {test['noisy_input_mse']:.4f} -> denoised {test['denoised_mse']:.4f} "
                 f"({test['noise_reduction']:.1f}x lower)")
    dense = zoo.get("autoencoder")
    versus = (f"the dense autoencoder of this run: {dense.metrics['test']['mse']:.4f} (lower is better)"
              if dense and dense.metrics else "")
    return Verdict("not in the notes", here, versus)


def autocomplete_claim(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """The notes complete their nine words from the first three letters."""
    rows, counts = completion_examples(outcome.run_dir)
    asked, metrics = len(rows), outcome.metrics["train"]
    here = (f"{counts['right']} of the notes' {asked} words; {metrics['completion_accuracy']:.1%} of "
            f"{metrics['completed_words']} training words from all but the last letter")
    claim = "completes its words from the first letters (the notes: 9 words)"
    if counts["right"] == asked:
        return Verdict(claim, here, "as the notes say, from a list of many more words", "same", rows)
    reasons = {"held out": "held out of training", "ambiguous": "with a prefix that starts other words too",
               "wrong": "simply completed wrong"}
    why = ", ".join(f"{counts[key]} {text}" for key, text in reasons.items() if counts[key])
    return Verdict(claim, here, f"not all of them on the bundled list of {len(read_words_of(outcome))} words: "
                   f"{why}", "other", rows)


def seq2seq_claim(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """The notes translate six English words into Korean."""
    rows, right, asked = translation_examples(outcome.run_dir)
    metrics = outcome.metrics
    here = (f"{right} of the notes' {asked} words; {metrics['train']['exact_match']:.1%} of "
            f"{metrics['train']['num_examples']} training pairs, {metrics['test']['exact_match']:.1%} of "
            f"{metrics['test']['num_examples']} held-out ones")
    claim = "translates word, wood, game, girl, kiss, love into Korean"
    if right == asked:
        return Verdict(claim, here, "as the notes say", "same", rows)
    held_out = sum(remark.endswith("(held out of training)") for _, _, remark in rows)
    if held_out == asked - right:
        return Verdict(claim, here, f"every one it trained on; the {held_out} held out of training are not "
                       f"translated (meanings cannot be learnt from {metrics['train']['num_examples']} pairs)",
                       "other", rows)
    return Verdict(claim, here, f"not all of them: {asked - right - held_out} it trained on are translated "
                   "otherwise", "worse", rows)


def no_figure(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict:
    """Models the notes give no figure for."""
    return Verdict("no figure in the notes", "", "")


CLAIMS: dict[str, Callable[[Outcome, dict[str, Outcome], str], Verdict]] = {
    "softmax": classifier_claim(0.91),
    "mlp": classifier_claim(0.94),
    "linear-regression": linear_regression_claim,
    "linear-classifier": all_right_claim("a straight line separates the two clouds", "test points"),
    "tabular": all_right_claim("with a hidden layer, every animal right (one layer stalls)", "animals"),
    "autoencoder": autoencoder_claim,
    "autoencoder-conv": other_autoencoder,
    "autoencoder-denoising": other_autoencoder,
    "autoencoder-variational": other_autoencoder,
    "ae-classifier": ae_classifier_claim,
    "autocomplete": autocomplete_claim,
    "seq2seq": seq2seq_claim,
    "gan": gan_claim,
    "cgan": cgan_claim,
}


def judge_against_notes(outcome: Outcome, zoo: dict[str, Outcome], dataset: str) -> Verdict | None:
    """The verdict of one finished model of the zoo; None for a failed one. A judge that cannot read the run's
    numbers (a run of an older version) gives a verdict that says so instead of failing the report."""
    if outcome.metrics is None:
        return None
    judge = CLAIMS.get(outcome.name, no_figure)
    try:
        return judge(outcome, zoo, dataset)
    except (KeyError, TypeError, ValueError, UserError) as error:
        return Verdict("", "", f"could not be compared ({type(error).__name__}: {error})")


def verdict_facts(verdict: Verdict | None) -> dict[str, Any]:
    """The verdict as summary.json keeps it."""
    if verdict is None:
        return {}
    return {"notes_claim": verdict.claim, "here": verdict.here, "verdict": verdict.verdict, "tone": verdict.tone}
