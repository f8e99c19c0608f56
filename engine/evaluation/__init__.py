"""Evaluation: facts derived from the input, the durable_rules runtime, scoring into results."""
