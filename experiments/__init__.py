"""Research behind models/MODEL_CARD.md: fine-tuning the encoder, probes, learning curves.

Not part of the product (not packaged; no product module imports it: tests/test_layers.py). Run from the
repository root, e.g. `.venv/bin/python -m experiments.finetune_cv ce --epochs 20 --lr 3e-4`.
"""
