"""Scheduled acts (open, remind, close) on each team's own schedule; wired in a later issue."""
