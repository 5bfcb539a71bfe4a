"""Estate generator and benchmark harness (not part of the installed package)."""
