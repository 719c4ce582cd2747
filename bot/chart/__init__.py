"""The trend chart: what it shows (series), how it is said (alt text), drawn, and cached."""
