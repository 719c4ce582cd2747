"""Everything that talks to people: the command line, the demo, and (later) Slack and Teams."""
