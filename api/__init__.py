"""The advisory HTTP service (FastAPI), a thin shell over the advisor library."""
