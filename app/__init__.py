"""The application shell: composition roots, settings, metrics, the operator's tools, the demo."""
