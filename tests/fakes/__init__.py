"""Local servers that play external APIs in tests and benchmarks."""
