"""The offline league simulator (demo, benchmarks, tests): lands files shaped like the real sources'."""

from nba_platform.simulator.simulation import SimulationSummary, check_arguments, simulate

__all__ = ["SimulationSummary", "check_arguments", "simulate"]
