"""The use cases, one module each, called by the API routers (service/api) and the CLI commands
(service/commands) alike, so both give the same answers:

- classify.py   classify a draft (its mandates, labelled, with precedents)
- search.py     search the indexed mandates (query building, plain highlights)
- context.py    a mandate in context (neighbours, other-language versions)
- documents.py  list, show, upload, ingest files, delete, reindex
- export.py     a whole search as CSV or JSON

Typed inputs and outputs are in results.py, refusals in errors.py, the opened lower floors in
services.py. Nothing here knows about HTTP or argparse.
"""
