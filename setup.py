"""Build hook: the wheel carries a copy of rules/ and scorecards/ under engine/_data.

rules/ and scorecards/ stay top-level folders in the checkout (they are what auditors read and
edit); an installed package has no checkout, so `pip install .` copies them into the package and
engine.rules.load falls back to that copy (after $SCORECARD_HOME / --home, the checkout and a
project in the current folder). Editable installs skip the copy: they read the checkout itself.
Everything else is in pyproject.toml.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("rules", "scorecards")
# outputs of `scorecard run` / `validate` beside the sample, caches, editor files: not data
IGNORED = shutil.ignore_patterns("*_评分结果.xlsx", "*_results.json", "*_数据问题.xlsx", "__pycache__", ".*", "~$*")


class build_py_with_data(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "engine" / "_data"
        for folder in BUNDLED:
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(here / folder, target / folder, ignore=IGNORED)


setup(cmdclass={"build_py": build_py_with_data})
