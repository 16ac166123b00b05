"""The offline league simulator (demo, benchmarks, tests): lands files shaped like the real sources'."""

from nba_platform.simulator.simulation import SimulationSummary, simulate

__all__ = ["SimulationSummary", "simulate"]
