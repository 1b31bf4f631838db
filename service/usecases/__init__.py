"""The use cases, one module each, called by the API routers (service/api) and the CLI commands
(service/commands) alike, so both give the same answers:

- classify.py           classify a draft (its mandates, labelled, with precedents)
- precedents.py         the indexed mandates most like a draft mandate
- search.py             search the indexed mandates (query building, plain highlights)
- suggest.py            spellings and the closest mandates by meaning when nothing matches
- browse.py             symbol queries, paragraph order, adoption dates
- context.py            a mandate in context (neighbours, other-language versions)
- resolution.py         a resolution's page
- coverage.py           what the index holds, per session and language
- documents.py          list, show, upload, ingest files, delete, reindex
- export.py             a whole search as CSV or JSON
- plan.py, plan_eval.py an implementation plan of mandates, and its check against the seed's Annex II
- reviews.py, labels.py maintainers' corrections (reviewed labels) and the label words
- review_queue.py       the least certain model-made labels, first
- retrain.py            retrain from reviewed labels, judge on the held folds, promote
- language_agreement.py the labels of one paragraph's versions in six languages

Typed inputs and outputs are in results.py, refusals in errors.py, the opened lower floors in
services.py. Nothing here knows about HTTP or argparse.
"""
