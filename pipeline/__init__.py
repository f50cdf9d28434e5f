"""A document extraction pipeline for French and English pages.

Raw pages go through five stages, each reading and writing Parquet:
ingest (clean text with provenance), language (per segment), extract (spaCy
NER plus rules for dates and figures), resolve (each document's organisations,
places, ISO dates and figures) and link (organisations across documents, and
the tables in `processed/`).
"""

__version__ = "0.1.0"
