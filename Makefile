# The two commands the README opens with. Each installs what it needs and is idempotent.
.PHONY: demo test bench bench-web bench-edge bench-report setup

demo:
	@scripts/demo.sh

test:
	@scripts/test.sh

bench:
	@scripts/bench.sh

# Browser targets (sizes, start-up, decide from JS, wasm vs native): benches/README.md.
bench-web:
	@scripts/bench-web.sh

# Edge targets (cold start, CPU per HTML request, JSON throughput vs a static worker): benches/README.md.
bench-edge:
	@scripts/bench-edge.sh

setup:
	@scripts/setup.sh

# The scorecard's target (10 million events in <= 60 s, bounded memory): benches/README.md.
bench-report:
	@scripts/bench-report.sh
