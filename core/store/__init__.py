"""The system of record: the SQLAlchemy store (database.py), its migrations, imports,
sweeps published as runs, work lists, exports and reports read from a run."""
