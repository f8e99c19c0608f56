"""`python -m engine.cli`: the same as the `scorecard` console script."""
import sys

from engine.cli import main

sys.exit(main())
