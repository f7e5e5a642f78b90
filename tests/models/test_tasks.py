"""Every family's task is declared once, and the lists of tasks other modules use come from the declarations."""

import pytest

from classicnets.models import FAMILIES
from classicnets.models.network import TASKS as NETWORK_TASKS
from classicnets.models.tasks import TASKS, get_task, tasks_where
from classicnets.errors import UserError


def test_every_family_names_a_declared_task():
    for spec in FAMILIES.values():
        assert spec.task in TASKS or spec.task == "from-options", spec.name
    assert set(NETWORK_TASKS) - {"auto"} <= set(TASKS)


def test_each_task_resolves_its_judge_and_signatures():
    for task in TASKS.values():
        assert callable(task.evaluator.evaluate) and callable(task.signature_builder), task.name


def test_the_derived_lists_are_what_the_commands_need():
    from classicnets.runs.checks import CLASS_TASKS
    from classicnets.use.generation import GAN_TASKS
    from classicnets.use.inference import TABLE_TASKS

    assert set(GAN_TASKS) == {"gan", "cgan"}
    assert set(CLASS_TASKS) == {"classifier", "ae-classifier", "linear-classifier", "cgan"}
    assert set(TABLE_TASKS) == {"regression", "linear-classifier", "classifier"}
    assert tasks_where(generates=True, classes=True) == ("cgan",)


def test_an_unknown_task_is_named():
    with pytest.raises(UserError, match="unknown task 'poetry'"):
        get_task("poetry")


def test_every_family_learns_through_the_one_protocol():
    """The trainer runs train_sums/test_sums; no steps class keeps the old names that collide with Keras'."""
    for spec in FAMILIES.values():
        steps = spec.steps_class
        for name in ("create", "train_sums", "test_sums", "variables"):
            assert callable(getattr(steps, name, None)) or name in ("train_sums", "test_sums"), (spec.name, name)
        assert not hasattr(steps, "train_step") and not hasattr(steps, "test_step"), spec.name
