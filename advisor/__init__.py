"""Hyper-V Backup Advisor: validate Hyper-V environment graphs against backup best practices."""

__version__ = "0.1.0"
