"""Fine-tuning the USE encoder's sentence-level layers on labelled mandates.

The token-level part of USE (sentence-piece table and n-gram convolutions) stays frozen; its per-sentence
token sums are computed once (`UseTorch.sums`) and the sentence-level layers (`use_torch.HEAD`, 1.68 M
parameters) are trained on them, which takes seconds on a CPU. Two objectives:
- "ce": cross-entropy of a cosine classifier per label (action area; actor) on the encoder's output,
  class-balanced and weighted like the classifier's own rows;
- "setfit": SetFit-style contrastive pairs (same label → cosine 1, different → 0), squared error.
`l2sp` pulls the weights toward the pretrained ones (L2-SP), which keeps the multilingual space the
search index relies on from drifting far.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from experiments.use_torch import HEAD, UseTorch, sentence_layers
from extractors.schema import ACTION_AREAS

ACTORS = ("unep", "member_states")


@dataclass(frozen=True)
class FinetuneConfig:
    loss: str = "ce"
    epochs: int = 20
    lr: float = 3e-4
    batch_size: int = 32
    l2sp: float = 0.0
    actor_weight: float = 1.0
    temperature: float = 0.05
    pairs_per_row: int = 4
    seed: int = 0


class SentenceHead(nn.Module):
    """A trainable copy of the encoder's sentence-level layers."""

    def __init__(self, encoder: UseTorch):
        super().__init__()
        self.weights = nn.ParameterDict({k: nn.Parameter(encoder.weights[k].detach().clone()) for k in HEAD})

    def forward(self, sums: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return sentence_layers(self.weights, sums, lengths)


def _balanced(labels: list[int], weights: np.ndarray, n_classes: int) -> torch.Tensor:
    counts = np.bincount(labels, minlength=n_classes).astype(float)
    per_class = len(labels) / (n_classes * np.maximum(counts, 1))
    return torch.tensor(weights * per_class[labels], dtype=torch.float32)


def finetune_head(
    encoder: UseTorch,
    sums: torch.Tensor,
    lengths: torch.Tensor,
    areas: Sequence[str | None],
    actors: Sequence[str | None],
    sample_weight: np.ndarray,
    config: FinetuneConfig = FinetuneConfig(),
    texts: Sequence[str] | None = None,
) -> nn.Module:
    """Train a copy of the sentence-level layers on these rows (empty area / None actor: that label unused).

    With `texts`, the whole encoder above the sentence-piece table is trained instead (slow: every step
    re-runs the convolutions), and the returned module maps token ids and mask to vectors."""
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    if texts is None:
        head: nn.Module = SentenceHead(encoder)

        def embed(rows: list[int]) -> torch.Tensor:
            return head(sums[rows], lengths[rows])
    else:
        import copy

        head = copy.deepcopy(encoder)

        def embed(rows: list[int]) -> torch.Tensor:
            return head(*head.tokenize([texts[r] for r in rows]))
    start = {k: v.detach().clone() for k, v in head.weights.items()}
    area_rows = [i for i, a in enumerate(areas) if a]
    area_y = [ACTION_AREAS.index(areas[i]) for i in area_rows]
    actor_rows = [i for i, a in enumerate(actors) if a in ACTORS]
    actor_y = [ACTORS.index(actors[i]) for i in actor_rows]
    area_w = _balanced(area_y, np.asarray(sample_weight)[area_rows], len(ACTION_AREAS))
    actor_w = _balanced(actor_y, np.asarray(sample_weight)[actor_rows], len(ACTORS))
    area_cls = nn.Linear(512, len(ACTION_AREAS), bias=False)
    actor_cls = nn.Linear(512, len(ACTORS), bias=False)
    params = list(head.parameters()) + list(area_cls.parameters()) + list(actor_cls.parameters())
    optimiser = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.0)

    def l2sp() -> torch.Tensor:
        return sum(((v - start[k]) ** 2).sum() for k, v in head.weights.items()) * config.l2sp

    def cosine_logits(cls: nn.Linear, z: torch.Tensor) -> torch.Tensor:
        return (z @ nn.functional.normalize(cls.weight, dim=-1).T) / config.temperature

    def pairs(rows: list[int], y: list[int]) -> list[tuple[int, int, float]]:
        by_label: dict[int, list[int]] = {}
        for r, label in zip(rows, y, strict=True):
            by_label.setdefault(label, []).append(r)
        out = []
        for r, label in zip(rows, y, strict=True):
            others = [lab for lab in by_label if lab != label]
            for k in range(config.pairs_per_row):
                if k % 2 == 0 and len(by_label[label]) > 1:
                    out.append((r, rng.choice(by_label[label]), 1.0))
                elif others:
                    out.append((r, rng.choice(by_label[rng.choice(others)]), 0.0))
        return out

    for _ in range(config.epochs):
        if config.loss == "ce":
            a_order = torch.randperm(len(area_rows)).tolist()
            b_order = torch.randperm(len(actor_rows)).tolist()
            steps = max(1, len(a_order) // config.batch_size)
            b_size = max(1, len(b_order) // steps)
            for s in range(steps):
                a = a_order[s * config.batch_size:(s + 1) * config.batch_size]
                b = b_order[s * b_size:(s + 1) * b_size]
                ra = [area_rows[i] for i in a]
                rb = [actor_rows[i] for i in b]
                za = embed(ra)
                la = nn.functional.cross_entropy(cosine_logits(area_cls, za), torch.tensor([area_y[i] for i in a]),
                                                 reduction="none")
                loss = (la * area_w[a]).sum() / area_w[a].sum()
                if rb and config.actor_weight:
                    zb = embed(rb)
                    lb = nn.functional.cross_entropy(cosine_logits(actor_cls, zb),
                                                     torch.tensor([actor_y[i] for i in b]), reduction="none")
                    loss = loss + config.actor_weight * (lb * actor_w[b]).sum() / actor_w[b].sum()
                if config.l2sp:
                    loss = loss + l2sp()
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
        else:
            batch = [(p, 1.0) for p in pairs(area_rows, area_y)]
            if config.actor_weight:
                batch += [(p, config.actor_weight) for p in pairs(actor_rows, actor_y)]
            rng.shuffle(batch)
            for s in range(0, len(batch), config.batch_size):
                chunk = batch[s:s + config.batch_size]
                left = [p[0] for p, _ in chunk]
                right = [p[1] for p, _ in chunk]
                target = torch.tensor([p[2] for p, _ in chunk])
                w = torch.tensor([w for _, w in chunk])
                zl = embed(left)
                zr = embed(right)
                loss = (w * ((zl * zr).sum(-1) - target) ** 2).sum() / w.sum()
                if config.l2sp:
                    loss = loss + l2sp()
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
    head.eval()
    return head
