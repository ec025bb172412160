"""Qt-free command-line entries (headless runner, roster import, sync, decode)."""
