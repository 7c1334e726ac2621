"""newind — 新型工业化推进平台."""

__version__ = "0.1.0"
