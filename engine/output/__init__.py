"""Output: the Excel report, explanations, comparisons and published schemas."""
