"""The same stage functions on Dask: identical tables to a local run."""

from __future__ import annotations

import os
import shutil

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, folders, run_cli


def _sorted(table, keys):
    return table.sort_by([(k, "ascending") for k in keys]).to_pylist()


def test_dask_local_cluster_gives_the_same_tables(sample_run, tmp_path):
    base = tmp_path
    shutil.copytree(ROOT / "raw", base / "raw")
    args = folders(base)
    result = run_cli("run", *args, "--executor", "dask", "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "extract: 6 new" in result.stdout
    for name, keys in {
        "mentions": ["doc_id", "start_offset", "end_offset", "label", "extractor"],
        "organisations": ["doc_id", "org_id"],
        "places": ["doc_id", "place_id"],
        "dates": ["doc_id", "start_offset", "end_offset"],
        "figures": ["doc_id", "start_offset", "end_offset", "value"],
        "documents": ["doc_id", "source"],
    }.items():
        local = pq.read_table(sample_run / "processed" / f"{name}.parquet")
        dask = pq.read_table(base / "processed" / f"{name}.parquet")
        assert local.num_rows > 0, name
        assert _sorted(local, keys) == _sorted(dask, keys), name


def _listening(pids: set[int]) -> list[tuple[str, int]]:
    import psutil

    return sorted(
        (c.laddr.ip, c.laddr.port)
        for c in psutil.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN and c.pid in pids
    )


def test_local_cluster_listens_on_loopback_only_without_dashboard():
    """Scheduler, workers and every HTTP server on 127.0.0.1; no dashboard port bound."""
    import psutil

    from pipeline.executors import DaskExecutor

    executor = DaskExecutor(workers=1)
    try:
        assert list(executor.map(abs, [-1, -2])) == [1, 2]
        # release runs its function in every worker (extract frees its models this way)
        import functools
        import sys

        executor.release(functools.partial(setattr, sys, "pipeline_test_released", "yes"))
        released = functools.partial(getattr, sys, "pipeline_test_released")
        assert list(executor.map(lambda _: released(), [0, 1])) == ["yes", "yes"]
        client = executor._client
        info = client.scheduler_info()
        assert client.scheduler.address.startswith("tcp://127.0.0.1:")
        assert info["workers"] and all(a.startswith("tcp://127.0.0.1:") for a in info["workers"])
        me = psutil.Process()
        pids = {me.pid, *(p.pid for p in me.children(recursive=True))}
        sockets = _listening(pids)
        assert sockets, "the cluster should be listening somewhere"
        assert {ip for ip, _ in sockets} == {"127.0.0.1"}, sockets
        assert 8787 not in {port for _, port in sockets}
        # whatever HTTP server distributed starts anyway serves nothing: no status, no metrics
        http = info["services"].get("dashboard")
        if http:
            import urllib.error
            import urllib.request

            for route in ("/status", "/metrics", "/json/identity.json", "/health"):
                with pytest.raises(urllib.error.HTTPError):
                    urllib.request.urlopen(f"http://127.0.0.1:{http}{route}", timeout=10)
    finally:
        executor.close()


def test_dashboard_only_when_asked():
    import urllib.request

    from pipeline.executors import DaskExecutor

    executor = DaskExecutor(workers=1, dashboard="127.0.0.1:0")
    try:
        assert list(executor.map(abs, [-3])) == [3]
        port = executor._client.scheduler_info()["services"]["dashboard"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as answer:
            assert answer.status == 200
    finally:
        executor.close()


def test_tls_scheduler_without_certificates_is_a_clear_error(monkeypatch):
    from pipeline import executors

    for name in [n for n in os.environ if n.startswith("DASK_")]:
        monkeypatch.delenv(name)
    with pytest.raises(executors.ClusterSetupError, match="no certificate is configured"):
        executors._client_of("tls://127.0.0.1:1")


@pytest.mark.parametrize("address", ["http://127.0.0.1:8786", "inproc://x", "ws://h:1"])
def test_scheduler_address_must_be_tcp_or_tls(address, capsys):
    from pipeline import cli

    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(["extract", "--executor", "dask", "--scheduler", address])
    assert exit_.value.code == 2
    assert "tcp://HOST:PORT or tls://HOST:PORT" in capsys.readouterr().err
    parse = cli.build_parser().parse_args
    assert parse(["run", "--scheduler", "tls://h:8786"]).scheduler == "tls://h:8786"
    assert parse(["run", "--scheduler", "h:8786"]).scheduler == "tcp://h:8786"
