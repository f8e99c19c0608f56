"""scorecard: rule engine for the annual supervision scorecard of party and government leaders.

The small public API (the CLI is a thin layer over it)::

    from engine import load_scorecard, read_workbook, score, to_json, write_report

    card = load_scorecard(overrides={"card.disqualify_awards": 5})   # scorecards/county.yaml by default
    result = score(read_workbook("assessment.xlsx"), card, years=[2025])
    print(to_json(result))
    write_report(result, Path("report.xlsx"))
"""
from engine.input.issues import InputError, InputIssue
from engine.rules.load import RuleFileError, Scorecard, load_scorecard
from engine.output.report import write_report
from engine.evaluation.results import RunResult
from engine.evaluation.scoring import score, score_workbook, to_json
from engine.input.workbook import Workbook, read_workbook

__all__ = [
    "InputError", "InputIssue", "RuleFileError", "RunResult", "Scorecard", "Workbook",
    "load_scorecard", "read_workbook", "score", "score_workbook", "to_json", "write_report",
]
