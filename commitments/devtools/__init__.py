"""Development tooling, fenced off from the product: the recorded-API server that stands in for
Parliament in tests, the demo and benchmarks, and the benchmarks' helpers. Production code never
imports anything from here. A Django app of its own (apps.py), installed only by the development
and test settings: its management commands (run_demo, fake_parliament_api, make_parliament_dataset,
evaluate_matching and the bench_* commands) are not installed in production."""
