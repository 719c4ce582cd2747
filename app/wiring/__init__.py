"""Per-platform wiring: builds each chat adapter from settings and the service."""
