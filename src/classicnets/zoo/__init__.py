"""`classicnets run`: the whole zoo of models on one dataset, compared in one report."""

from classicnets.zoo.plan import STEPS, Step, choose_steps
from classicnets.zoo.report import markdown_table, write_report
from classicnets.zoo.runner import MODELS_FOLDER, Outcome, export_models, reopen_zoo, resolve_dataset, run_zoo, start_zoo

__all__ = ["MODELS_FOLDER", "STEPS", "Outcome", "Step", "choose_steps", "export_models", "markdown_table", "reopen_zoo", "resolve_dataset",
           "run_zoo", "start_zoo", "write_report"]
