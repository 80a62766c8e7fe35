"""Development tooling, fenced off from the product: the recorded-API server that stands in for
Parliament in tests, the demo and benchmarks, and the benchmarks' helpers. Production code never
imports anything from here."""
