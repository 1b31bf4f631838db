"""The grammatical actor cues on real Annex II bullets, and the actor head that weights them."""

from __future__ import annotations

import numpy as np

from models.actor_cues import CUE_NAMES, cue_matrix


def test_cues_read_real_bullets(annex_mandates):
    texts = [m.text for m in annex_mandates]
    cues = cue_matrix(texts)
    assert cues.shape == (len(texts), len(CUE_NAMES))
    col = CUE_NAMES.index("supports_countries")
    supported = [t for t, row in zip(texts, cues, strict=True) if row[col]]
    # "支持各国…", "支持会员国…" bullets exist in the seed's table and every one is caught
    assert supported and all(("支持" in t or "协助" in t or "帮助" in t or "援助" in t or "支助" in t
                               or "协同" in t or "与" in t) for t in supported)
    assert cue_matrix(["Support developing countries in building monitoring networks"])[0, col] == 1.0
    assert cue_matrix([]).shape == (0, len(CUE_NAMES))


def test_national_instrument_cue():
    col = CUE_NAMES.index("national_instrument")
    rows = cue_matrix(["制定本国的水质标准并着手监测水质", "adopt national action plans on air quality",
                       "发表《全球废物管理展望》更新报告"])
    assert list(rows[:, col]) == [1.0, 1.0, 0.0]


def test_held_out_support_bullet_is_unep(held_out_model, annex_mandates):
    """A "support Member States …" bullet of a resolution the model never saw is read as UNEP's work."""
    from tests.models.conftest import HELD_OUT

    bullets = [m for m in annex_mandates if m.resolution_number == HELD_OUT and m.text.startswith("支持会员国")]
    assert bullets and all(m.actor == "unep" for m in bullets)
    predictions = held_out_model.predict([m.text for m in bullets])
    assert [p.actor for p in predictions] == ["unep"] * len(bullets)
    assert all(p.actor_source == "model" for p in predictions)


def test_shipped_actor_head_uses_the_cues(shipped_classifier):
    features = shipped_classifier.features
    assert features.config.w_cues > 0
    X = features.transform(["报告农药和化肥对环境和健康的影响"])
    assert features.actor_transform(["x"], features.transform(["x"])).shape[1] == X.shape[1] + len(CUE_NAMES)
    assert shipped_classifier.actor_head.coef.shape[1] == X.shape[1] + len(CUE_NAMES)
    assert np.isfinite(shipped_classifier.actor_head.coef).all()


def test_area_cues_follow_the_seed_definitions():
    from models.area_cues import AREA_CUE_NAMES, area_cue_matrix

    rows = area_cue_matrix(["报告农药和化肥对环境和健康的影响", "提高对空气污染风险的认识",
                            "promote cleaner production technologies", "建立多利益攸关方伙伴关系"])
    picked = [[AREA_CUE_NAMES[j] for j in range(rows.shape[1]) if row[j]] for row in rows]
    assert "knowledge" in picked[0] and "awareness" in picked[1]
    assert "infrastructure" in picked[2] and "leadership" in picked[3]


def test_shipped_area_head_uses_the_area_cues(shipped_classifier):
    from models.area_cues import AREA_CUE_NAMES

    features = shipped_classifier.features
    assert features.config.w_area_cues > 0
    width = features.transform(["x"]).shape[1]
    assert shipped_classifier.area_head.coef.shape[1] == width + len(AREA_CUE_NAMES)
