"""The zoo report's HTML: a header of facts, the table, one section per model, the classifiers' comparison.
Every string from a run or the user is escaped here; the page has no script and no external link."""

from __future__ import annotations

import html
from typing import Any, Sequence

from classicnets.zoo.claims import Verdict

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1240px;padding:0 1em;color:#222;line-height:1.4}
h1{margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;
vertical-align:top}th{background:#f2f2f2}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.facts td:first-child{font-weight:600;white-space:nowrap}table.facts{font-size:.95em}
.best{font-weight:700;background:#e3f4e3}.better{color:#17612a}.worse{color:#a12020}.same{color:#1b4f8a}
.other{color:#555}.failed{color:#a12020}code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:#f6f6f6;padding:6px 10px;overflow-x:auto;white-space:pre-wrap}
figure{display:inline-block;margin:6px 14px 10px 0;vertical-align:top}figure img{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#555}.about{font-size:1.05em}.legend{font-size:.9em;color:#555}
table.notes{font-size:.95em}table.notes td:first-child{font-weight:600;white-space:nowrap}
"""

# What each network is, in one or two sentences (the report's reader may not know the notes).
ABOUT = {
    "softmax": "Softmax regression: one weight per pixel and class, the scores turned into probabilities. The "
               "simplest image classifier, and the baseline of the others.",
    "mlp": "A multi-layer perceptron: two hidden layers of 256 ReLU units between the pixels and the 10 classes "
           "(the notes' 'ANN').",
    "cnn": "A convolutional network: 3x3 filters slide over the image (32, then 64, each followed by pooling), "
           "then a dense layer of 256 classifies what they found.",
    "rnn": "A recurrent network (LSTM) that reads the image one row at a time, as a sequence, and classifies it "
           "after the last row.",
    "linear-regression": "y = Wx + b fitted by gradient descent on the notes' four points of the line y = 2x.",
    "linear-classifier": "A straight line, score = Wx + b, that separates two clouds of points; trained by a "
                         "hand-written gradient-descent step.",
    "tabular": "A small MLP on a table: from 'has fur' and 'has wings' to other, mammal or bird (the notes' "
               "data.csv).",
    "autoencoder": "A dense autoencoder: squeezes each image through a code of 128 numbers "
                   "(784-256-128-256-784) and rebuilds it; judged by how close the rebuilt pixels are.",
    "autoencoder-conv": "A convolutional autoencoder: stride-2 convolutions shrink the image to a small map (its "
                        "code), transposed convolutions rebuild it.",
    "autoencoder-denoising": "A denoising autoencoder: the dense autoencoder trained on noisy images to rebuild "
                             "the clean ones.",
    "autoencoder-variational": "A variational autoencoder (VAE): its code is a probability distribution, so "
                               "random codes decode to new images.",
    "ae-classifier": "A softmax classifier on the autoencoder's code: the encoder learns from the images alone "
                     "first, then the whole network is fine-tuned on the labels.",
    "autocomplete": "An LSTM that reads a word letter by letter and predicts the next letter, so it completes "
                    "words from their first letters.",
    "seq2seq": "An encoder-decoder of two LSTMs: the encoder reads an English word, the decoder writes its Korean "
               "translation letter by letter.",
    "gan": "A generative adversarial network: a generator learns to draw images from noise while a "
           "discriminator learns to tell them from real ones.",
    "cgan": "A conditional GAN: the generator is also told which class to draw; a separate classifier (the "
            "judge) checks that it did.",
}


def escape(value: Any) -> str:
    """Text for HTML."""
    return html.escape(str(value))


def facts_table(facts: Sequence[tuple[str, str]]) -> str:
    """The header's facts, one row each."""
    rows = "".join(f"<tr><td>{escape(name)}</td><td>{escape(value)}</td></tr>" for name, value in facts)
    return f'<table class="facts"><tbody>{rows}</tbody></table>'


def table(columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> str:
    """A table of rows (dicts of cells); columns are (key, heading). A cell is text, or a dict with 'html'
    (already escaped), 'num' (right-aligned) and 'best' (marked)."""
    head = "".join(f'<th class="num">{escape(title)}</th>' if _numeric_column(rows, key) else
                   f"<th>{escape(title)}</th>" for key, title in columns)
    body = "".join("<tr>" + "".join(_cell(row.get(key)) for key, _ in columns) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _numeric_column(rows: Sequence[dict[str, Any]], key: str) -> bool:
    return any(isinstance(row.get(key), dict) and row[key].get("num") for row in rows)


def _cell(cell: Any) -> str:
    if not isinstance(cell, dict):
        return f"<td>{escape('' if cell is None else cell)}</td>"
    classes = " ".join(name for name, on in (("num", cell.get("num")), ("best", cell.get("best")),
                                             (cell.get("tone", ""), cell.get("tone"))) if on)
    content = cell["html"] if "html" in cell else escape(cell.get("text", ""))
    if cell.get("best"):
        content = f'{content} <span title="best of this metric on this data">&#9733;</span>'
    return f'<td class="{classes}">{content}</td>' if classes else f"<td>{content}</td>"


def notes_box(verdict: Verdict | None) -> str:
    """The notes' claim beside this run's figure, and the verdict; the notes' examples when there are some."""
    if verdict is None or not (verdict.claim or verdict.here or verdict.verdict):
        return ""
    rows = [("The notes", verdict.claim or "-"), ("This run", verdict.here or "-")]
    body = "".join(f"<tr><td>{escape(name)}</td><td>{escape(text)}</td></tr>" for name, text in rows)
    if verdict.verdict:
        body += f'<tr><td>Verdict</td><td class="{escape(verdict.tone)}">{escape(verdict.verdict)}</td></tr>'
    box = f'<table class="notes"><tbody>{body}</tbody></table>'
    if verdict.examples:
        examples = "".join(f"<tr><td><code>{escape(given)}</code></td><td><code>{escape(answer)}</code></td>"
                           f"<td>{escape(remark)}</td></tr>" for given, answer, remark in verdict.examples)
        box += ("<table><thead><tr><th>the notes' input</th><th>this run's answer</th><th></th></tr></thead>"
                f"<tbody>{examples}</tbody></table>")
    return box


def section(anchor: str, name: str, summary: str, verdict: Verdict | None, command: str, figures: str,
            error: str | None = None) -> str:
    """One model's section: what it is, its numbers against the notes, its pictures, how to train it alone."""
    title = f'<h2 id="{escape(anchor)}">{escape(name)}</h2>'
    about = f'<p class="about">{escape(ABOUT.get(name, ""))}</p>' if name in ABOUT else ""
    if error is not None:
        return title + about + f'<p class="failed">failed: {escape(error)}</p>'
    reproduce = f"<p>Train this model alone:</p><pre><code>{escape(command)}</code></pre>" if command else ""
    return (title + about + f"<p>{escape(summary)}</p>" + notes_box(verdict) + (figures or "<p>no plots</p>")
            + reproduce)


def document(title: str, facts: str, body: str) -> str:
    """The whole page."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{facts}{body}</body></html>\n")
