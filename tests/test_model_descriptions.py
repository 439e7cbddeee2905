"""Every user-facing model field is described (the schema and docs/scenario.md rely on it)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from acdsim import model as m
from acdsim.docgen import SECTIONS

MODELS: list[type[BaseModel]] = [section[2] for section in SECTIONS] + [
    m.Constant, m.Exponential, m.Uniform, m.LogNormal, m.Gamma, m.Erlang, m.Empirical,
]


@pytest.mark.parametrize("model", MODELS, ids=[model.__name__ for model in MODELS])
def test_fields_have_descriptions(model: type[BaseModel]) -> None:
    for name, info in model.model_fields.items():
        assert info.description and len(info.description) > 3, f"{model.__name__}.{name}"


def test_models_reject_inf_and_nan() -> None:
    with pytest.raises(ValueError):
        m.RateArrivals(calls_per_hour=float("inf"))
    with pytest.raises(ValueError):
        m.Behavior(talk_time_factor=float("nan"))
