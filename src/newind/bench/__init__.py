"""Benchmarks of the platform at realistic scale (`newind bench …`); figures go to docs/performance.md."""
