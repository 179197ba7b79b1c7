"""`make bench`: every benchmark in one run, so ratios are measured side by side."""

from __future__ import annotations

import sys

from bench import concurrency, lifecycle, loop


def main() -> int:
    lifecycle.main()
    concurrency.main()
    loop.main()
    for extra in ("bench.timers", "bench.governance"):
        try:
            module = __import__(extra, fromlist=["main"])
        except ModuleNotFoundError:
            continue
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
