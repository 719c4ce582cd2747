"""The domain: teams, rounds, scoring, the anonymity gate, hack choice and PulseService."""
