"""The zoo over every model family (one epoch each on the bundled data) and its report: a row and a section per
model, well-formed HTML, every picture embedded, the notes' claims beside the figures."""

import base64
import json
import re
import shlex
from html.parser import HTMLParser

import pytest

from classicnets.cli.main import build_parser, main
from classicnets.models import model_names
from classicnets.models.autoencoder import KINDS
from classicnets.zoo import plan
from classicnets.zoo.report import train_command

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class StrictParser(HTMLParser):
    """Fails on an end tag that does not close the innermost open element; records ids, links, sections, images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.errors, self.ids, self.links = [], [], set(), []
        self.sections, self.current = {}, None  # <h2 id> -> the images up to the next <h2>

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in VOID:
            self.open.append(tag)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "h2":
            self.current = attributes.get("id")
            self.sections[self.current] = []
        if tag == "a":
            self.links.append(attributes.get("href", ""))
        if tag == "img" and self.current is not None:
            self.sections[self.current].append(attributes.get("src", ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1] if self.open else 'nothing'}")
            return
        self.open.pop()


@pytest.fixture(scope="module")
def report(tiny_zoo):
    """The zoo over every step (tests/conftest.py: one epoch each on the bundled data) and its report.html,
    parsed."""
    html = (tiny_zoo.out / "report.html").read_text(encoding="utf-8")
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    return tiny_zoo.out, tiny_zoo.outcomes, tiny_zoo.rows, html, parser


def test_every_model_family_trains_and_has_a_row(report, capsys):
    _, outcomes, rows, _, _ = report
    # every step of the plan and the example network added with networks=
    assert [row["status"] for row in rows] == ["trained"] * (len(plan.STEPS) + 1), [row.get("error") for row in rows]
    assert {row["family"] for row in rows} == set(model_names())
    assert main(["models"]) == 0
    listed = re.findall(r"^([a-z0-9-]+): ", capsys.readouterr().out, flags=re.MULTILINE)
    assert set(listed) == {row["family"] for row in rows}  # `classicnets models` and the report agree
    kinds = [outcome.step.options["kind"] for outcome in outcomes if outcome.model == "autoencoder"]
    assert sorted(kinds) == sorted(KINDS)
    by_name = {outcome.name: outcome for outcome in outcomes}
    assert json.loads((by_name["linear-regression"].run_dir / "config.json").read_text())["data"]["dataset"] == "line"
    assert by_name["autocomplete"].metrics["dataset"] == "english"


def test_the_report_is_well_formed_and_self_contained(report):
    _, _, _, html, parser = report
    assert parser.errors == [] and parser.open == []
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r'(src|href)="(https?:|//)', html)  # opens offline: nothing to fetch
    assert "<script" not in html


def test_each_row_links_to_a_section_with_embedded_pictures(report):
    _, _, rows, _, parser = report
    for row in rows:
        assert f"#{row['model']}" in parser.links and row["model"] in parser.ids
        images = parser.sections[row["model"]]
        assert images, f"no picture in the section of {row['model']}"
        for source in images:
            assert source.startswith("data:image/png;base64,")
            assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert parser.sections["classifiers"]  # the comparison plot


def test_header_and_the_notes_claims(report):
    out, _, rows, html, _ = report
    for fact in ("Date", "Dataset", "Versions", "Machine", "Total time", "Command"):
        assert f"<td>{fact}</td>" in html
    assert "1,438 training" in html and "TensorFlow" in html and "classicnets run --quick" in html
    by_name = {row["model"]: row for row in rows}
    assert "91%" in by_name["softmax"]["notes_claim"] and "94%" in by_name["mlp"]["notes_claim"]
    assert by_name["cgan"]["notes_claim"] == "does not work yet" and by_name["cgan"]["verdict"]
    assert "softmax" in by_name["ae-classifier"]["here"] and "mlp" in by_name["ae-classifier"]["here"]
    assert "<code>wor</code>" in html and "<code>word</code>" in html  # the notes' examples, answered
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [row["model"] for row in summary["models"]] == [row["model"] for row in rows]


def test_each_section_has_a_command_that_trains_that_model(report):
    _, outcomes, _, html, _ = report
    parser = build_parser()
    for outcome in outcomes:
        command = train_command(outcome, "digits")
        assert command in html.replace("&#x27;", "'")
        words = shlex.split(command)
        assert words[:3] == ["classicnets", "train", outcome.model]
        args = parser.parse_args(words[1:])
        assert args.epochs == outcome.step.epochs
        if outcome.step.own_data:
            assert args.dataset is None
