"""The shipped models' list is read once per process and again when a file changes (pages ask for it
on every request; parsing every YAML each time cost the runs and models pages)."""

from __future__ import annotations

import shutil

from gaoxin.scoring import model


def test_the_list_is_cached_until_a_model_file_changes(tmp_path, monkeypatch):
    for p in model.MODELS_DIR.glob("*.yaml"):
        shutil.copy(p, tmp_path / p.name)
    monkeypatch.setattr(model, "MODELS_DIR", tmp_path)
    first = model.shipped()
    reads = []
    real = model.yaml.safe_load
    monkeypatch.setattr(model.yaml, "safe_load", lambda text: reads.append(1) or real(text))
    assert model.shipped() == first and reads == []  # nothing read again
    zone_model = next(p for p in tmp_path.glob("*.yaml") if p.stem not in first)
    zone_model.rename(tmp_path / "renamed-zone-model.yaml")
    assert model.shipped() == first and reads  # a change of the folder is seen
    (tmp_path / sorted(first)[0]).with_suffix(".yaml").unlink()
    assert model.shipped() == sorted(first)[1:]
