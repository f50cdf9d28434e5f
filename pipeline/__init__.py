"""A document extraction pipeline for French and English pages.

Raw pages go through four stages, each reading and writing Parquet:
ingest (clean text with provenance), language (per segment), extract (spaCy
NER plus rules for dates and figures) and normalise (organisations, places,
ISO dates and figures in `processed/`).
"""

__version__ = "0.1.0"
