"""`make bench`: how fast and how small the series is, measured (issue 7).

``python -m benchmarks.run`` executes every notebook in fresh kernels, races
the GAN recipes, sizes the environment, writes ``benchmarks/results.md`` and
``benchmarks/results.json`` and exits non-zero when a budget is exceeded.
"""
