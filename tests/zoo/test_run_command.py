"""`classicnets run`: the zoo end to end on the bundled digits, a failing model, resume, bad input."""

import dataclasses
import json
from html.parser import HTMLParser

import pytest

from classicnets.cli.main import main
from classicnets.zoo import plan as zoo_plan
from classicnets.zoo.plan import choose_steps
from classicnets.zoo.runner import progress_line


def run_cli(capsys, *argv):
    status = main(list(argv))
    return status, capsys.readouterr().out


class ReportParser(HTMLParser):
    """Collects table rows and embedded images of report.html."""

    def __init__(self):
        super().__init__()
        self.rows, self.images, self._cells = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._cells = []
        if tag == "img" and dict(attrs).get("src", "").startswith("data:image/png;base64,"):
            self.images += 1

    def handle_data(self, data):
        if self._cells is not None:
            self._cells.append(data)

    def handle_endtag(self, tag):
        if tag == "tr":
            self.rows.append(self._cells)
            self._cells = None


@pytest.fixture(scope="module")
def zoo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("zoo") / "out"
    status = main(["run", "--quick", "--models", "softmax,mlp", "--epochs-scale", "0.1", "--out", str(out), "--quiet"])
    return status, out


@pytest.mark.slow
def test_quick_run_writes_report_with_a_row_and_plots_per_model(zoo_run):
    status, out = zoo_run
    assert status == 0
    parser = ReportParser()
    parser.feed((out / "report.html").read_text())
    linked = [row[0] for row in parser.rows if row and row[0] in ("softmax", "mlp")]
    assert linked == ["softmax", "mlp", "softmax", "mlp"]  # the table, then the classifiers compared
    assert parser.images >= 7  # loss curves, confusion matrix, predictions for each model; the comparison plot
    summary = json.loads((out / "summary.json").read_text())
    assert summary["dataset"] == "digits" and [row["model"] for row in summary["models"]] == ["softmax", "mlp"]
    for row in summary["models"]:
        assert row["status"] == "trained" and row["metric"] == "accuracy" and 0.1 < row["value"] <= 1
        assert (out / row["model"] / "model.keras").exists()
        assert (out / "models" / row["model"] / "1" / "saved_model.pb").is_file()  # exported for serving
    assert "| softmax | trained |" in (out / "summary.md").read_text()


@pytest.mark.slow
def test_resume_skips_finished_models_and_finishes_the_rest(zoo_run, capsys):
    _, out = zoo_run
    finished = (out / "softmax" / "model.keras").stat().st_mtime_ns
    (out / "mlp" / "metrics.json").unlink()  # as if killed while evaluating mlp
    status, printed = run_cli(capsys, "run", "--out", str(out), "--resume", "--quiet", "--no-export")
    assert status == 0
    assert (out / "softmax" / "model.keras").stat().st_mtime_ns == finished
    statuses = {row["model"]: row["status"] for row in json.loads((out / "summary.json").read_text())["models"]}
    assert statuses == {"softmax": "done before", "mlp": "trained"}
    assert (out / "mlp" / "metrics.json").exists()


@pytest.mark.slow
def test_a_failing_model_keeps_the_others_and_the_digits_get_the_quick_plan(tmp_path, capsys, monkeypatch):
    broken = [dataclasses.replace(step, options={"hidden": (0,)}) if step.model == "mlp" else step
              for step in zoo_plan.STEPS]
    monkeypatch.setattr(zoo_plan, "STEPS", tuple(broken))
    out = tmp_path / "out"
    status, printed = run_cli(capsys, "run", "--dataset", "digits", "--models", "softmax,mlp", "--epochs-scale", "0.1",
                              "--out", str(out), "--quiet", "--no-export")
    assert status == 1
    assert not (out / "models").exists() and "models for TensorFlow Serving" not in printed
    assert "--no-export" in (out / "report.html").read_text()  # the command the report shows
    plan = json.loads((out / "zoo.json").read_text())
    assert plan["steps"][0]["train"]["batch_size"] == 32  # the digits train with the quick plan's batch
    rows = {row["model"]: row for row in json.loads((out / "summary.json").read_text())["models"]}
    assert rows["softmax"]["status"] == "trained"
    assert rows["mlp"]["status"] == "failed" and "hidden" in rows["mlp"]["error"]
    assert "failed: mlp" in printed


def test_bad_input_exits_2_and_keeps_existing_folders(tmp_path, capsys):
    assert main(["run", "--models", "softmax,nosuch", "--out", str(tmp_path / "a")]) == 2
    assert "nosuch" in capsys.readouterr().err
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    assert main(["run", "--quick", "--out", str(keep)]) == 2
    assert (keep / "notes.txt").read_text() == "mine" and len(list(keep.iterdir())) == 1
    assert main(["run", "--out", str(keep), "--resume"]) == 2
    assert main(["run", "--epochs-scale", "0", "--quick", "--out", str(tmp_path / "b")]) == 2


def test_plan_scales_epochs_and_estimates_time_left():
    steps = choose_steps(["softmax", "mlp"], quick=False, epochs_scale=0.5)
    assert [(s.model, s.epochs) for s in steps] == [("softmax", 2), ("mlp", 4)]  # half of their defaults
    assert "estimating" in progress_line(0, steps, 0.0)
    line = progress_line(1, steps, 10.0)
    assert line.startswith("[2/2] mlp, 4 epochs") and "left" in line


def test_ae_classifier_uses_the_zoo_autoencoder_only_when_the_zoo_trains_one():
    both = {step.model: step for step in choose_steps(["autoencoder", "ae-classifier"])}
    assert both["ae-classifier"].options["encoder"] == "{out}/autoencoder"
    alone = choose_steps(["ae-classifier"])
    assert [step.model for step in alone] == ["ae-classifier"]
    assert "encoder" not in alone[0].options  # it pretrains its own autoencoder instead


def test_gans_write_one_sample_grid_after_the_last_epoch():
    quick = choose_steps(["gan", "cgan"], quick=True)
    assert [step.options.get("samples_every") for step in quick] == [20, 20]  # one grid, after the last epoch
    assert [step.options.get("samples_every") for step in choose_steps(["gan", "cgan"])] == [5, 5]


def test_a_family_name_picks_all_its_steps_and_a_step_name_one():
    assert [step.label for step in choose_steps(["autoencoder"])] == [
        "autoencoder", "autoencoder-conv", "autoencoder-denoising", "autoencoder-variational"]
    assert [step.label for step in choose_steps(["autoencoder-conv", "seq2seq"])] == ["autoencoder-conv", "seq2seq"]
    lessons = choose_steps(["linear-regression", "autocomplete"], quick=True)
    assert all(step.own_data for step in lessons)
    assert [step.epochs for step in lessons] == [150, 80]  # their own data: the same with and without --quick
