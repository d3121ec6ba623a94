import json
import zipfile

import numpy as np
import pytest

from classifier.predict import predict_proba
from classifier.errors import ModelError
from classifier.model import FORMAT_VERSION, load_model, save_model
from classifier.paragraph import Paragraph


def test_round_trip_predicts_identically(tiny_model, tmp_path):
    path = tmp_path / "m.npz"
    save_model(tiny_model, path)
    loaded = load_model(path)
    ps = [Paragraph("Zur Story", 1, 1), Paragraph("Der Stadtrat hat am Dienstag getagt.", 2, 2)]
    assert np.array_equal(predict_proba(ps, tiny_model), predict_proba(ps, loaded))
    assert loaded.metadata["format_version"] == FORMAT_VERSION
    assert not loaded.weights.flags.writeable


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "nope.npz")


def test_truncated_and_corrupt_files(tiny_model, tmp_path):
    path = tmp_path / "m.npz"
    save_model(tiny_model, path)
    data = path.read_bytes()
    (tmp_path / "t.npz").write_bytes(data[: len(data) // 2])
    (tmp_path / "c.npz").write_bytes(b"this is not a model")
    for name in ("t.npz", "c.npz"):
        with pytest.raises(ModelError, match="corrupt|not a model"):
            load_model(tmp_path / name)


def _rewrite_metadata(src, dst, change):
    with np.load(src, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(arrays["metadata"].tobytes())
    change(meta)
    arrays["metadata"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(dst, **arrays)


def test_newer_format_and_wrong_labels_are_refused(tiny_model, tmp_path):
    path = tmp_path / "m.npz"
    save_model(tiny_model, path)
    _rewrite_metadata(path, tmp_path / "new.npz", lambda m: m.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelError, match="newer"):
        load_model(tmp_path / "new.npz")
    _rewrite_metadata(path, tmp_path / "old.npz", lambda m: m.update(format_version=FORMAT_VERSION - 1))
    with pytest.raises(ModelError, match="no longer supported; retrain"):
        load_model(tmp_path / "old.npz")
    _rewrite_metadata(path, tmp_path / "ctx.npz", lambda m: m.update(context_width=3))
    with pytest.raises(ModelError, match="another context layout"):
        load_model(tmp_path / "ctx.npz")
    _rewrite_metadata(path, tmp_path / "lab.npz", lambda m: m.update(labels=["news", "ad"]))
    with pytest.raises(ModelError, match="label set"):
        load_model(tmp_path / "lab.npz")


def test_pickled_arrays_are_never_loaded(tiny_model, tmp_path):
    path = tmp_path / "m.npz"
    save_model(tiny_model, path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["idf"] = np.array([object()], dtype=object)  # an object array needs pickle
    np.savez(tmp_path / "evil.npz", **arrays)
    with pytest.raises(ModelError):
        load_model(tmp_path / "evil.npz")


def test_model_file_holds_only_plain_arrays(tiny_model, tmp_path):
    path = tmp_path / "m.npz"
    save_model(tiny_model, path)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            header = archive.read(name)[:200]
            assert b"'descr': '|O'" not in header


def test_bundled_model_loads_and_is_small():
    from classifier.model import DEFAULT_MODEL_PATH, default_model

    model = default_model()
    assert DEFAULT_MODEL_PATH.stat().st_size <= 20 * 2**20
    assert model is default_model()  # loaded once
    assert "heldout" in model.metadata and "training" in model.metadata


def test_prediction_needs_no_scikit_learn():
    """Prediction is numpy/scipy arithmetic on the file's arrays: identical under any scikit-learn version."""
    import subprocess
    import sys

    code = "import sys, classifier; classifier.clean('Der Stadtrat tagt.'); print('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
