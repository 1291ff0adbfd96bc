"""The system of record: the SQLAlchemy store (database.py), its migrations, imports,
sweeps published as runs, work lists, exports and reports read from a run."""

# students per partition, the unit of work of a sweep's worker (here, light to import, for the
# CLI's default): the batch's numpy calls cost ~5 ms per partition whatever its size (about
# 200 us per rule); 1,000 instead of 500 made a sweep's CPU per student 8-12% lower
PARTITION_SIZE = 1000
