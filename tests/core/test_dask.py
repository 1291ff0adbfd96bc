"""A sweep on a Dask cluster (a LocalCluster here) publishes the same obligations as a local
sweep, from SQLite and from PostgreSQL (issue 17 item 4)."""

from __future__ import annotations

from datetime import date

import pytest

from spedrules.core.store.sweep import dask_mapper, sweep
from tests.core.test_store import AS_OF, db_url, published, store  # noqa: F401 (fixtures)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as found:
        yield found


def test_a_dask_sweep_equals_the_local_sweep(store, cluster):  # noqa: F811
    from spedrules.core.synthetic import population

    store.add_cases("mesa-verde", list(population("D", 120, ["North"], AS_OF)), who="t")
    sweep(store, AS_OF, partition_size=25)
    local = published(store)
    mapper = dask_mapper(cluster.scheduler_address)
    try:
        (run,) = sweep(store, AS_OF, mapper=mapper, partition_size=25, full=True)
    finally:
        mapper.client.close()
    assert run.status == "completed" and run.counts["students"] == 120
    assert run.counts["evaluated"] == 120  # every student evaluated on the cluster
    assert published(store) == local


def test_an_unreachable_scheduler_is_a_clear_error(run_cli, tmp_path):
    from spedrules.core.errors import InputError

    with pytest.raises(InputError, match="--dask: expected the address of a running Dask"):
        dask_mapper("tcp://127.0.0.1:1")
    assert date.today()  # the error came before any store was touched
