# The two commands the README opens with. Each installs what it needs and is idempotent.
.PHONY: demo test bench setup

demo:
	@scripts/demo.sh

test:
	@scripts/test.sh

bench:
	@scripts/bench.sh

setup:
	@scripts/setup.sh
