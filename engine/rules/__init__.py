"""Rules: the typed rule/scorecard model, the condition language, compilation and loading."""
