"""The same stage functions on Dask: identical tables to a local run."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
from conftest import ROOT, folders, run_cli


def _sorted(table, keys):
    return table.sort_by([(k, "ascending") for k in keys]).to_pylist()


def test_dask_local_cluster_gives_the_same_tables(sample_run, tmp_path):
    base = tmp_path
    shutil.copytree(ROOT / "raw", base / "raw")
    args = folders(base)
    result = run_cli("run", *args, "--executor", "dask", "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "extract: 5 new" in result.stdout
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
