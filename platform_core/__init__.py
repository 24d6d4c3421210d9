"""Schatkaart's core: configuration, extensions, the spatial database, security, mail,
validation, the permission policy, the transaction discipline and accounts.

The package is ``platform_core`` rather than ``platform``: a top-level ``platform`` package
would shadow Python's standard ``platform`` module, which SQLAlchemy and uuid import, whenever
the project root is on ``sys.path``. The app factory lives in ``schatkaart`` (the composition
root), because it is the one place that sees every package.
"""
