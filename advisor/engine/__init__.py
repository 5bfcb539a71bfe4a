"""Validation engines: the fast set-at-a-time engine on Oxigraph and the pySHACL reference engine."""
