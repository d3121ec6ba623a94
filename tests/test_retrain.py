"""The labelling round trip: pre-annotate → edit two labels → clean-article-train --add → the new model
labels those paragraphs as edited; plus the evaluation CLI and malformed-data refusals."""

import json

import numpy as np
import pytest
import sklearn

from classifier.cli import main as clean_main
from classifier.eval_cli import main as eval_main
from classifier.labels import Label
from classifier.model import load_model, save_model
from classifier.pipeline import classify
from classifier.train import TrainConfig, fit
from classifier.train_cli import main as train_main

from training.train_default import SOURCE_WEIGHT

from .conftest import PAGE, page_doc

EDITS = {"Zur Story": Label.BOILERPLATE, "12 Kommentare": Label.AD}


def write_labels(path, docs):
    lines = []
    for doc_id, rows in docs:
        lines.append(f"# doc: {doc_id}")
        lines += [f"{label.value}\t{text}" for label, text in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_round_trip(tmp_path, tiny_model, capsys):
    baseline = tmp_path / "base.npz"
    save_model(tiny_model, baseline)
    page = tmp_path / "page.txt"
    page.write_text("\n".join(text for _, text in PAGE) + "\n", encoding="utf-8")
    # 1. pre-annotate
    assert clean_main(["--model", str(baseline), "--format", "labels", str(page)]) == 0
    annotated = capsys.readouterr().out
    # 2. edit two labels in the editable file
    edited_lines = []
    for line in annotated.splitlines():
        if "\t" in line and line.split("\t")[1] in EDITS:
            line = f"{EDITS[line.split(chr(9))[1]].value}\t{line.split(chr(9))[1]}"
        edited_lines.append(line)
    corrections = tmp_path / "page.tsv"
    corrections.write_text("\n".join(edited_lines) + "\n", encoding="utf-8")
    # the user's other labelled pages (without the two edited lines)
    others = [(f"site{i}/page", [(l, t) for l, t in PAGE if t not in EDITS]) for i in range(6)]
    labelled = tmp_path / "labelled"
    labelled.mkdir()
    write_labels(labelled / "pages.tsv", others)
    # 3. retrain with the corrections
    new = tmp_path / "new.npz"
    code = train_main([str(labelled), "--add", str(corrections), "-o", str(new), "--baseline", str(baseline), "--max-iter", "80"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "featurizing" in err and "stage 2" in err  # progress per stage
    summary = json.loads(out)
    assert summary["corrections_learned"]["after"] == 1.0 > summary["corrections_learned"]["before"]
    # 4. the new model labels the edited paragraphs as edited
    labels = {p.text: p.label for p in classify(page.read_text(), model=load_model(new))}
    for text, label in EDITS.items():
        assert labels[text] is label
    report = (tmp_path / "new.report.md").read_text()
    assert "Corrections (--add)" in report and "| before |" in report and "| after | 100.0% |" in report


def test_malformed_training_data_is_refused_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("news\tfine\nadvert\tunknown label\n", encoding="utf-8")
    assert train_main([str(bad), "-o", str(tmp_path / "m.npz")]) == 2
    assert f"{bad}:2: unknown label 'advert'" in capsys.readouterr().err
    bad.write_text("news\tok\nno tab here\n", encoding="utf-8")
    assert train_main([str(bad), "-o", str(tmp_path / "m.npz")]) == 2
    assert f"{bad}:2: expected 'label<TAB>text'" in capsys.readouterr().err
    bad.write_text("news\t   \n", encoding="utf-8")
    assert train_main([str(bad), "-o", str(tmp_path / "m.npz")]) == 2
    assert f"{bad}:1: empty paragraph text" in capsys.readouterr().err
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"doc": "a", "text": "x", "label": "news"}\n{"text": 1\n', encoding="utf-8")
    assert train_main([str(jsonl), "-o", str(tmp_path / "m.npz")]) == 2
    assert f"{jsonl}:2: invalid JSON" in capsys.readouterr().err


def test_few_examples_are_warned_about(tmp_path, capsys):
    data = tmp_path / "few.tsv"
    write_labels(data, [(f"s{i}/p", PAGE) for i in range(3)])
    assert train_main([str(data), "-o", str(tmp_path / "m.npz"), "--baseline", str(tmp_path / "none.npz"), "--max-iter", "20"]) == 0
    err = capsys.readouterr().err
    assert "warning: label 'ad' has only" in err


def test_training_is_reproducible():
    docs = [page_doc(f"p{i}") for i in range(3)]
    a = fit(docs, TrainConfig(max_iter=30), progress=lambda m: None)
    b = fit(docs, TrainConfig(max_iter=30), progress=lambda m: None)
    assert np.array_equal(a.weights, b.weights)
    assert all(np.array_equal(getattr(a.context, f), getattr(b.context, f)) for f in ("feature", "threshold", "leaf", "base"))


def test_eval_cli_reports_side_by_side(tmp_path, tiny_model, capsys):
    model = tmp_path / "m.npz"
    save_model(tiny_model, model)
    data = tmp_path / "gold.tsv"
    write_labels(data, [("d", PAGE)])
    pages, gold = tmp_path / "pages", tmp_path / "gold"
    pages.mkdir(), gold.mkdir()
    (pages / "a.txt").write_text("\n".join(t for _, t in PAGE))
    (gold / "a.txt").write_text("\n".join(t for l, t in PAGE if l is Label.NEWS))
    out = tmp_path / "report"
    assert eval_main([str(data), "--pages", str(pages), "--gold", str(gold), "--model", str(model), "--baseline", str(model), "--out", str(out)]) == 0
    md = (tmp_path / "report.md").read_text()
    result = json.loads((tmp_path / "report.json").read_text())
    assert result["paragraph"]["m"]["macro_f1"] == 1.0 and result["text_level"]["m"]["f1"] == 1.0
    assert "m (baseline)" in md and "Confusion matrix" in md
    assert (tmp_path / "report.m.png").exists()


def test_stage1_sample_thins_common_labels_and_curated_rows_never_thin_the_corpus():
    from classifier.labels import LABELS
    from classifier.train import stage1_sample

    news, ad, comments = (LABELS.index(label) for label in (Label.NEWS, Label.AD, Label.COMMENTS))
    corpus = np.array([news] * 6000 + [comments] * 3000 + [ad] * 100)
    uniforms = np.random.default_rng(0).random(len(corpus) + 5050)
    eligible = np.ones(len(corpus), dtype=bool)
    eligible[:1000] = False  # e.g. rows no rule vouches for
    alone = stage1_sample(corpus, 2000, eligible, np.zeros(len(corpus), dtype=bool), uniforms[:len(corpus)])
    assert not alone[:1000].any() and alone[-100:].all()  # ineligible rows never, the rare label whole
    assert 1800 < alone.sum() < 2200 and abs(alone[corpus == news].sum() - alone[corpus == comments].sum()) < 150
    curated = np.array([comments] * 5000 + [ad] * 50)  # team-written comments, appended
    y = np.concatenate([corpus, curated])
    mixed = stage1_sample(y, 2000, np.concatenate([eligible, np.ones(len(curated), dtype=bool)]), np.arange(len(y)) >= len(corpus), uniforms)
    assert np.array_equal(mixed[:len(corpus)], alone)  # the corpus rows are sampled exactly as without them
    assert 0 < mixed[len(corpus):-50].sum() < 5000 and mixed[-50:].all()  # curated comments at the comments rate


def test_a_documents_sample_draws_do_not_depend_on_the_other_documents():
    """The models with and without the team's data must sample the same rows of every corpus page, wherever
    the team's documents sit in the list."""
    from classifier.train import row_uniforms

    pages = [page_doc(f"p{i}") for i in range(3)]
    team = page_doc("team-lines")
    without = row_uniforms(pages, 0)
    with_team = row_uniforms([pages[0], team, pages[1], pages[2]], 0)
    n0, n_team = len(pages[0].labels), len(team.labels)
    assert np.array_equal(np.concatenate([with_team[:n0], with_team[n0 + n_team:]]), without)
    assert not np.array_equal(row_uniforms(pages, 1), without)  # each bagging seed draws anew
    assert ((0 <= without) & (without < 1)).all()


def test_line_collections_teach_stage_1_no_page_placement():
    from classifier.featurize import DENSE_NAMES, PLACED_COLUMNS
    from classifier.train import standardized_layout

    rng = np.random.default_rng(0)
    dense = rng.normal(5.0, 2.0, size=(300, len(DENSE_NAMES)))
    on_page = np.arange(300) < 200
    dense[~on_page] += 40.0  # grouped lines: e.g. ten comments to a "document", far from any page's placement
    mean, scale, layout = standardized_layout(dense, on_page)
    placed = list(PLACED_COLUMNS)
    text_only = [i for i in range(len(DENSE_NAMES)) if i not in PLACED_COLUMNS]
    assert np.all(layout[~on_page][:, placed] == 0.0)  # no placement evidence from line collections
    assert np.all(layout[~on_page][:, text_only] > 1)  # their own text's layout features still count
    assert np.allclose(layout[on_page][:, placed].mean(axis=0), 0.0) and np.allclose(layout[on_page][:, placed].std(axis=0), 1.0)
    assert np.allclose(mean[placed], dense[on_page][:, placed].mean(axis=0))  # placement is standardized on pages only
    assert np.allclose(((dense - mean) / scale)[on_page], layout[on_page])  # what prediction computes on a page


def test_stage1_averages_seeded_samples_and_fits_unthinned_data_once():
    from dataclasses import replace

    docs = [page_doc(f"p{i}") for i in range(4)]

    def quiet(message: str) -> None:
        """Progress is not what these fits test."""

    one = fit(docs, TrainConfig(max_iter=30, stage1_samples=1), progress=quiet)
    three = fit(docs, TrainConfig(max_iter=30, stage1_samples=3), progress=quiet)
    assert np.array_equal(one.weights, three.weights)  # nothing to thin: the three samples are one, fitted once
    thin = TrainConfig(max_iter=30, stage1_rows=12, stage1_samples=3)
    messages = []
    averaged = fit(docs, thin, progress=messages.append)
    assert any("sample 3/3" in message for message in messages)
    single = fit(docs, replace(thin, stage1_samples=1), progress=quiet)
    assert not np.array_equal(averaged.weights, single.weights)
    assert averaged.metadata["training"]["config"]["stage1_samples"] == 3
    assert averaged.metadata["training"]["libraries"]["scikit-learn"] == sklearn.__version__  # reproducing needs them


def test_default_training_takes_the_solver_options(tmp_path):
    """``train_default --C --max-iter --coarse-row-weight --coarse-for --source-weight --context-coarse-row-weight
    --line-collections`` reach the fit (each measured variant is one command) and are recorded."""
    from training.corpus import MANUAL, Doc, Row, write_docs
    from training.train_default import main as train_default

    cache = tmp_path / "cache"
    cache.mkdir()
    docs = [Doc(f"page-{i}", f"site-{i}.example", "de", "trafilatura", "text",
                [Row(text, label.value, MANUAL, start_line=n + 1, end_line=n + 1) for n, (label, text) in enumerate(PAGE)],
                split="train") for i in range(4)]
    write_docs(docs, cache / "pages.jsonl")
    assert train_default(["--cache", str(cache), "--output", str(tmp_path / "m.npz"), "--C", "2", "--max-iter", "20",
                          "--coarse-row-weight", "0.5", "--coarse-for", "wcxb=1", "--source-weight", "team=1.5",
                          "--context-coarse-row-weight", "0.25", "--line-collections", "team", "webis-native-ads"]) == 0
    training = load_model(tmp_path / "m.npz").metadata["training"]
    assert (training["config"]["C"], training["config"]["max_iter"]) == (2.0, 20)
    assert training["coarse_row_weight"] == {"": 0.5, "wcxb": 1.0} and training["context_coarse_row_weight"] == 0.25
    assert training["line_collections"] == ["team", "webis-native-ads"]  # 0.12's recipe, one option away
    assert training["source_weight"]["team"] == 1.5 and training["source_weight"]["dragnet"] == SOURCE_WEIGHT["dragnet"]
    with pytest.raises(SystemExit):  # a misspelt source is a usage error, not a silently ignored weight
        train_default(["--cache", str(cache), "--source-weight", "wcbx=1"])
    assert training["libraries"]["numpy"] == np.__version__


def test_coarse_rows_train_at_the_weight_asked_for():
    """Rows whose source says only "not article" (here TurkuNLP's noise lines) weigh ``--coarse-row-weight``; rows with
    a fine label weigh 1."""
    from training.corpus import Doc, Row
    from training.train_default import CONTEXT_COARSE_ROW_WEIGHT, COARSE_ROW_WEIGHT, to_train_doc

    doc = Doc("turku:de:1", "turku", "de", "turku", "text",
              [Row("Warenkorb (0)", "boilerplate", "gold", "turku-noise", 1, 1),
               Row("Der Gemeinderat hat am Dienstag den Haushalt beschlossen.", "news", "gold", "turku-clean", 2, 2)])
    assert to_train_doc(doc).row_weights == (COARSE_ROW_WEIGHT, 1.0)
    assert to_train_doc(doc, 0.5).row_weights == (0.5, 1.0)
    assert to_train_doc(doc, {"": 0.5, "turku": 2.0}).row_weights == (2.0, 1.0)  # per source (``--coarse-for``)
    assert to_train_doc(doc, {"": 0.5, "wcxb": 2.0}).row_weights == (0.5, 1.0)
    assert to_train_doc(doc, source_weight={"turku": 3.0}).weight == 3.0  # ``--source-weight``
    staged = to_train_doc(doc, 1.0, context_coarse=0.25)  # ``--context-coarse-row-weight``
    assert (staged.row_weights, staged.context_row_weights) == ((1.0, 1.0), (0.25, 1.0))
    assert to_train_doc(doc).context_row_weights == (CONTEXT_COARSE_ROW_WEIGHT, 1.0)  # heavier in the context stage
    assert to_train_doc(doc, context_coarse=None).context_row_weights is None  # None: as in stage 1
    assert to_train_doc(doc).context and not to_train_doc(doc, line_collections=frozenset({"turku"})).context


def test_the_context_stage_learns_with_its_own_row_weights():
    """``context_row_weights`` replace ``row_weights`` in the context stage only; absent, both stages share them."""
    from dataclasses import replace

    from classifier.train import _row_weights

    plain = page_doc("plain", PAGE[:2], weight=2.0)
    staged = replace(page_doc("staged", PAGE[:2], weight=2.0), row_weights=(1.0, 0.5), context_row_weights=(1.0, 0.0))
    assert _row_weights([plain, staged], context=False).tolist() == [2.0, 2.0, 2.0, 1.0]
    assert _row_weights([plain, staged], context=True).tolist() == [2.0, 2.0, 2.0, 0.0]


def test_own_weight_is_cross_validated_over_every_fold_of_sites(monkeypatch):
    """Each fold of site groups is scored by trees fitted on the others (one fold alone swung the choice from
    0.0 to 0.5 between retrains); too little data falls back to the fixed weight."""
    import classifier.train as train
    from classifier.labels import LABELS

    rng = np.random.default_rng(0)
    n = 1000
    y = rng.integers(0, 2, n)
    context = np.hstack([np.log(np.where(np.arange(len(LABELS)) == y[:, None], 0.8, 0.04)), rng.normal(size=(n, 3))])
    fold = np.arange(n) % train.OWN_WEIGHT_FOLDS
    fitted_rows = []
    real_trees = train.context_trees

    def counting_trees(x: np.ndarray, labels: np.ndarray, weight: np.ndarray, config: TrainConfig):
        fitted_rows.append(len(labels))
        return real_trees(x, labels, weight, config)

    monkeypatch.setattr(train, "context_trees", counting_trees)
    learned = np.ones(n, dtype=bool)
    chosen = train.choose_own_weight(context, y, np.ones(n), learned, fold, TrainConfig())
    assert chosen in train.OWN_WEIGHTS
    assert fitted_rows == [n - n // train.OWN_WEIGHT_FOLDS] * train.OWN_WEIGHT_FOLDS  # every fold held out once
    fitted_rows.clear()
    assert train.choose_own_weight(context[:300], y[:300], np.ones(300), learned[:300], fold[:300], TrainConfig()) == train.FALLBACK_OWN_WEIGHT
    assert fitted_rows == []  # 60 rows per fold: too few to score


def test_the_context_stage_refitted_alone_rebuilds_the_run_and_takes_other_settings(tmp_path):
    """``train_default --dump-context`` + ``training.refit_context``: with no option the refit rebuilds the run's
    context stage array for array (features recomputed from float64 probabilities); options change the rows'
    weights (coarse rows here: WCXB's unmatched blocks) and the trees, and are recorded."""
    from classifier.model import ARRAY_NAMES, TREE_ARRAYS
    from training.corpus import MANUAL, Doc, Row, write_docs
    from training.refit_context import load_context, main as refit, reweighted
    from training.train_default import RowKind, main as train_default

    def rows(coarse: bool) -> list[Row]:
        return [Row(text, label.value, "gold" if coarse else MANUAL, "default-boilerplate" if coarse and label is not Label.NEWS else "",
                    n + 1, n + 1) for n, (label, text) in enumerate(PAGE)]

    cache = tmp_path / "cache"
    cache.mkdir()
    write_docs([Doc(f"{source}-{i}", f"site-{source}-{i}.example", "de", source, "text", rows(source == "wcxb"), split="train")
                for source in ("wcxb", "trafilatura") for i in range(3)], cache / "pages.jsonl")
    run, dump = tmp_path / "run.npz", tmp_path / "context.npz"
    assert train_default(["--cache", str(cache), "--output", str(run), "--max-iter", "20", "--dump-context", str(dump)]) == 0
    assert refit([str(dump), "--model", str(run), "--output", str(tmp_path / "same.npz")]) == 0
    trained, same = load_model(run), load_model(tmp_path / "same.npz")
    for name in ARRAY_NAMES:
        assert np.array_equal(getattr(trained, name), getattr(same, name))
    for name in TREE_ARRAYS.values():
        assert np.array_equal(getattr(trained.context, name), getattr(same.context, name))
    assert same.context_own_weight == trained.context_own_weight

    data, kind_source, sources, training = load_context(dump)
    assert len(data.labels) == 6 * len(PAGE) and sources == ["trafilatura", "wcxb"]
    assert np.array_equal(reweighted(data, kind_source, sources, training["context_coarse_row_weight"], training["source_weight"]).weight,
                          data.weight)  # the stored kinds and sources give the run's weights back
    coarse = kind_source[0] == RowKind.COARSE
    assert coarse.sum() == 3 * sum(label is not Label.NEWS for label, _ in PAGE)
    heavier = reweighted(data, kind_source, sources, {"": 1.0}, training["source_weight"]).weight
    assert np.allclose(heavier[coarse], SOURCE_WEIGHT["wcxb"]) and np.array_equal(heavier[~coarse], data.weight[~coarse])

    assert refit([str(dump), "--model", str(run), "--output", str(tmp_path / "other.npz"), "--trees", "5",
                  "--context-coarse-row-weight", "1", "--own-weight", "0.2"]) == 0
    other = load_model(tmp_path / "other.npz")
    assert other.context_own_weight == 0.2 and other.metadata["training"]["config"]["context_trees"] == 5
    assert len(other.context.feature) < len(trained.context.feature)
    assert other.metadata["training"]["context_refit"]["context_coarse_row_weight"] == {"": 1.0}
    assert np.array_equal(other.weights, trained.weights)  # stage 1 is the run's
