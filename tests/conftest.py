"""Fixtures shared by the whole suite, and the order in which the test processes take the test files."""

from __future__ import annotations

import dataclasses
import os
import pickle
import tempfile
from pathlib import Path

import pytest
from filelock import FileLock

# Two test processes share the two cores: TensorFlow in each (and in the processes the tests start) runs its ops
# on one thread instead of spinning up a pool per core. Set before TensorFlow is imported by anything below.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
# Decoded image folders and trained judges are cached in a folder of this run, not in the user's ~/.cache.
os.environ["CLASSICNETS_CACHE"] = tempfile.mkdtemp(prefix="classicnets-test-cache-")

# classicnets is imported inside the fixtures: the process of pytest-xdist that hands out the test files loads
# this file too, and has no use for TensorFlow (4-5 CPU-seconds to import)

EXPORTED_FAMILIES = (  # one of each way a model is exported (softmax, mlp and rnn export as the cnn does)
    "cnn", "ae-classifier", "tabular", "linear-regression", "linear-classifier", "autoencoder", "gan", "cgan",
    "autocomplete", "seq2seq")
FAMILY_STEP = {  # a family's run among the zoo's steps (default: its name)
    "autoencoder": "autoencoder-variational", "network": "sequential"}
EXAMPLE_NETWORK = str(Path(__file__).parent.parent / "examples" / "networks" / "sequential.py") + ":build"
ZOO_READERS = {  # the test files that read the zoo run (tiny_zoo, family_runs): one test process runs them all
    "tests/runs/test_run_files.py", "tests/serving/test_export.py", "tests/serving/test_playground.py",
    "tests/zoo/test_zoo_report.py", "tests/serving/test_runtimes.py",
}
ZOO_GROUP = "the zoo's readers"


@dataclasses.dataclass
class TinyZoo:
    """A finished `classicnets run` over every step of the zoo, and its report."""

    out: Path
    outcomes: list  # classicnets.zoo.runner.Outcome
    rows: list[dict]  # the report's table rows, as write_report returned them


def _run_tiny_zoo(out: Path) -> TinyZoo:
    from classicnets.judges import judge
    from classicnets.zoo.plan import choose_steps
    from classicnets.zoo.report import write_report
    from classicnets.zoo.runner import run_zoo, start_zoo

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(judge.CACHE_VARIABLE, str(out.parent / "judges"))
        patch.setattr(judge, "MAX_JUDGE_EPOCHS", 1)
        steps = [dataclasses.replace(step, train={**step.train, "jit_compile": "off"})  # no XLA compile time
                 for step in choose_steps(quick=True, epochs_scale=0.01, networks=[EXAMPLE_NETWORK])]
        start_zoo(out, "digits", steps, notice=lambda _: None)
        outcomes = run_zoo(out, "digits", steps, verbose=False, say=lambda _: None)
        rows = write_report(out, outcomes, "digits", command="classicnets run --quick", seconds=12.5)
    return TinyZoo(out, outcomes, rows)


@pytest.fixture(scope="session")
def tiny_zoo(tmp_path_factory, request) -> TinyZoo:
    """Every step of the zoo for one epoch (the lessons and word models for 1% of theirs) on the bundled data,
    with a judge of one epoch cached beside it, and its report; no export. Tests read it and never change it.
    With several test processes, the first to ask runs it and the others wait for it (pytest-xdist's recipe for
    a session fixture made once); the files that read it are sent to one process (ZOO_READERS), so no process
    waits in practice."""
    if not hasattr(request.config, "workerinput"):  # one process (-n 0 or without pytest-xdist): no one to share with
        return _run_tiny_zoo(tmp_path_factory.mktemp("tiny-zoo") / "zoo")
    shared = tmp_path_factory.getbasetemp().parent / "tiny-zoo"
    facts = shared / "zoo.pickle"
    with FileLock(f"{shared}.lock"):
        if not facts.is_file():
            zoo = _run_tiny_zoo(shared / "zoo")
            facts.write_bytes(pickle.dumps((zoo.outcomes, zoo.rows)))
    outcomes, rows = pickle.loads(facts.read_bytes())
    return TinyZoo(shared / "zoo", outcomes, rows)


@pytest.fixture(scope="session")
def family_runs(tiny_zoo) -> dict[str, Path]:
    """One finished run of every model family: the zoo's (its variational autoencoder for the autoencoder, as
    it has every signature an autoencoder can have)."""
    by_step = {outcome.name: outcome for outcome in tiny_zoo.outcomes}
    runs = {outcome.model: by_step[FAMILY_STEP.get(outcome.model, outcome.model)] for outcome in tiny_zoo.outcomes}
    assert all(outcome.status == "trained" for outcome in runs.values()), {
        name: outcome.error for name, outcome in runs.items() if outcome.status != "trained"}
    return {name: outcome.run_dir for name, outcome in runs.items()}


@pytest.fixture(scope="session")
def exported_families(family_runs, tmp_path_factory) -> dict:
    """The EXPORTED_FAMILIES' runs of the zoo exported as both formats into one models folder (checked in one
    reloading process): family -> ExportResult. Tests may add versions beside them, never change them."""
    from classicnets.serving.export import export_runs

    models = tmp_path_factory.mktemp("models")
    results = export_runs([(family_runs[name], models, None) for name in EXPORTED_FAMILIES],
                          formats=("saved-model", "onnx"))
    failed = {name: str(result) for name, result in zip(EXPORTED_FAMILIES, results) if isinstance(result, Exception)}
    assert not failed
    return dict(zip(EXPORTED_FAMILIES, results))


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown when it is not loaded (-p no:xdist)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, except that the files reading the zoo run go to one test process, one after another:
    it trains the zoo once and no process waits for another."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ZooReadersTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::")[0]
            return ZOO_GROUP if module in ZOO_READERS else module

    return ZooReadersTogether(config, log)


def pytest_collection_modifyitems(config, items):
    """Tests that read the zoo run are marked slow. The files are ordered for the test processes (pytest-xdist
    hands them out in this order with --no-loadscope-reorder): the zoo's readers first, then the files with slow
    tests, then the rest, each by number of tests (pytest-xdist's own order), so that the long ones start early
    and the short ones fill in at the end."""
    tests_of = {}
    for item in items:
        tests_of.setdefault(item.nodeid.split("::")[0], []).append(item)
    order = {}
    for index, (module, tests) in enumerate(tests_of.items()):
        readers = [item for item in tests if "tiny_zoo" in item.fixturenames]
        for item in readers:
            item.add_marker(pytest.mark.slow)
        if readers and module not in ZOO_READERS:
            readers[0].warn(pytest.PytestWarning(f"{module} reads the zoo run: add it to ZOO_READERS in "
                                                 "tests/conftest.py, so that it runs in the process that trains it"))
        rank = 0 if module in ZOO_READERS else 1 if any(item.get_closest_marker("slow") for item in tests) else 2
        order[module] = (rank, -len(tests), index)
    items.sort(key=lambda item: order[item.nodeid.split("::")[0]])  # stable: a file's tests keep their order
