"""Customs command dashboard core: data contract, store, ingest, rollups, queries, figures.

Nothing in this package imports Dash components; the web layer lives in layouts/ and
callbacks/.
"""
