"""Loaded by pytest however it is started: nbval always compares numbers to the precision they
were printed with (tests/nbval_tolerance.py), and the browser tests share one Chromium
(tests/chromium.py). tests/ is on pytest's ``pythonpath``, see pyproject.toml."""

pytest_plugins = ["nbval_tolerance", "chromium"]
