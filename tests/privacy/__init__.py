"""Red-team tests: the anonymity promise attacked as an operator or facilitator would (issue 11)."""
