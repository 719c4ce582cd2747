"""The command layer: chat words and button presses to use cases, with who-may-do-what."""
