import numpy as np

from classifier.featurize import DENSE_NAMES, FeatureConfig, featurize, hashed_counts, hashed_scores, tfidf
from classifier.paragraph import Paragraph, Structure

CONFIG = FeatureConfig(char_bits=12, word_bits=12, struct_bits=8)


def paragraphs(*texts: str) -> list[Paragraph]:
    return [Paragraph(t, i + 1, i + 1) for i, t in enumerate(texts)]


def test_shapes_and_determinism():
    ps = paragraphs("Der Stadtrat tagt.", "5 Kommentare", "")
    counts, dense = hashed_counts(ps, CONFIG)
    assert counts.shape == (3, CONFIG.n_hashed) and dense.shape == (3, len(DENSE_NAMES))
    again, _ = hashed_counts(ps, CONFIG)
    assert (counts != again).nnz == 0
    assert counts[2].nnz == 0  # empty text has no n-grams


def test_counts_are_position_independent_and_case_folded():
    a, _ = hashed_counts(paragraphs("Zur Story"), CONFIG)
    b, _ = hashed_counts(paragraphs("Intro", "zur story"), CONFIG)
    assert (a[0] != b[1]).nnz == 0


def test_digits_are_folded_together():
    a, _ = hashed_counts(paragraphs("5 CHF"), CONFIG)
    b, _ = hashed_counts(paragraphs("7 CHF"), CONFIG)
    c, _ = hashed_counts(paragraphs("7 EUR"), CONFIG)
    assert (a != b).nnz == 0 and (a != c).nnz > 0


def test_lowercasing_that_changes_length_keeps_rows_aligned():
    counts, dense = hashed_counts(paragraphs("İstanbul İzmir", "zweite Zeile"), CONFIG)
    single, _ = hashed_counts(paragraphs("zweite Zeile"), CONFIG)
    assert (counts[1] != single[0]).nnz == 0


def test_structure_tokens_only_for_html_paragraphs():
    html = Paragraph("Foto: dpa", structure=Structure("figcaption", ("tag:figcaption", "in:figure"), 0.0))
    text = Paragraph("Foto: dpa", 1, 1)
    counts, dense = hashed_counts([html, text], CONFIG)
    struct_start = CONFIG.offsets[2]
    assert counts[0, struct_start:].nnz > 0 and counts[1, struct_start:].nnz == 0
    assert dense[0, DENSE_NAMES.index("is_html")] == 1 and dense[1, DENSE_NAMES.index("is_html")] == 0


def test_layout_features():
    ps = paragraphs("HALLO WELT", "Ein Satz mit Ende.", "12 34")
    _, dense = hashed_counts(ps, CONFIG)
    col = DENSE_NAMES.index
    assert dense[0, col("upper_share")] == 1.0
    assert dense[1, col("ends_sentence")] == 1.0 and dense[0, col("ends_sentence")] == 0.0
    assert dense[2, col("digit_share")] == 0.8
    assert list(dense[:, col("rel_position")]) == [0.0, 0.5, 1.0]


def test_only_the_start_and_end_of_long_paragraphs_are_hashed():
    long_text = "Anfang " + "Wort " * 2000 + "Jetzt herunterladen"
    counts, dense = hashed_counts(paragraphs(long_text), CONFIG)
    ending, _ = hashed_counts(paragraphs("herunterladen"), CONFIG)
    middle, _ = hashed_counts(paragraphs(long_text[:CONFIG.max_chars] + long_text[:CONFIG.max_chars]), CONFIG)
    assert set(ending.indices) <= set(counts.indices)
    assert counts.sum() < middle.sum()
    assert dense[0, DENSE_NAMES.index("log_chars")] == np.log1p(len(long_text))


def test_tfidf_rows_are_unit_length_per_group():
    counts, _ = hashed_counts(paragraphs("Der Stadtrat tagt heute.", "x"), CONFIG)
    x = tfidf(counts, np.ones(CONFIG.n_hashed, dtype=np.float32), CONFIG)
    char_end, word_end = CONFIG.offsets[1], CONFIG.offsets[2]
    row = x[0].toarray()[0]
    assert abs(np.linalg.norm(row[:char_end]) - 1) < 1e-5
    assert abs(np.linalg.norm(row[char_end:word_end]) - 1) < 1e-5


def test_prediction_scores_exactly_like_training_features():
    """Prediction scores occurrences without the count matrix; training multiplies the TF-IDF matrix: both must agree."""
    structure = Structure(tag="p", tokens=("tag:p", "cls:teaser"), link_density=0.5)
    ps = [*paragraphs("Der Stadtrat tagt heute, heute, heute.", "", "5 Kommentare"),
          Paragraph("Mehr zum Thema", None, None, structure)]
    rng = np.random.default_rng(1)
    idf = rng.uniform(1, 5, CONFIG.n_hashed).astype(np.float32)
    weights = rng.normal(size=(CONFIG.n_hashed, 6)).astype(np.float32)
    features = featurize(ps, CONFIG)
    expected = tfidf(features.counts(), idf, CONFIG) @ weights
    np.testing.assert_allclose(hashed_scores(features, idf, weights, CONFIG), expected, rtol=1e-5, atol=1e-6)


def test_relocated_layout_equals_featurizing_the_cleaned_page():
    """Settling re-scores kept paragraphs from their stored layout features: moved to the page they form
    (one line each, as the cleaned text reads back), they must equal a fresh featurization of that page."""
    from classifier.featurize import Placement, relocate

    page = paragraphs("Titel", "Ein langer Absatz über den Stadtrat.", "Mehr zum Thema", "Noch ein Absatz.", "x y")
    page[1] = Paragraph(page[1].text, 2, 4)  # hard-wrapped over three input lines
    kept = [1, 3, 4]
    dense = featurize(page, CONFIG).dense
    reread = [Paragraph(page[i].text, 2 * j + 1, 2 * j + 1) for j, i in enumerate(kept)]
    chars = np.array([len(page[i].text) for i in kept], dtype=np.float64)
    moved = relocate(dense[kept], np.zeros(len(kept)), Placement.of_page_lengths(chars))
    np.testing.assert_array_equal(moved, featurize(reread, CONFIG).dense)
