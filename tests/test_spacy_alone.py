"""The spaCy-alone baseline writes the tables the reference scorer reads."""

import sys

import pyarrow.parquet as pq
from conftest import ROOT

sys.path.insert(0, str(ROOT / "eval"))
import spacy_alone


def test_numbers_and_dates_are_read_as_a_plain_script_would():
    assert spacy_alone.to_number("1.500 personnes", "fr") == 1500.0
    assert spacy_alone.to_number("1,500 people", "en") == 1500.0
    assert spacy_alone.to_number("douze", "fr") == 12.0
    assert spacy_alone.to_date("2019", "en")[2] == "year"
    start, _, granularity = spacy_alone.to_date("March 2020", "en")
    assert (start.isoformat(), granularity) == ("2020-03-01", "month")


def test_baseline_tables_score_with_the_reference_scorer(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.html").write_text(
        "<html><body><p>Oxfam International opened an office in Nairobi, Kenya in March 2020 "
        "and helped 1,500 people.</p></body></html>",
        encoding="utf-8",
    )
    assert spacy_alone.main(["--raw", str(raw), "--processed", str(tmp_path / "p")]) == 0
    import score

    items = score.system_items(tmp_path / "p")["a.html"]
    assert any("nairobi" in names for names in items["places"])
    assert pq.read_table(tmp_path / "p" / "figures.parquet").column("value").to_pylist() == [1500.0]
