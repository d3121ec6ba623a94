import textwrap

from classifier.segment import InputFormat, html_blocks, looks_like_html, segment, segment_text


def test_blank_lines_and_single_lines_both_separate_paragraphs():
    text = "Titel\n\nErster Absatz.\nZweiter Absatz.\n\n\nDritter Absatz."
    paragraphs = segment_text(text)
    assert [p.text for p in paragraphs] == ["Titel", "Erster Absatz.", "Zweiter Absatz.", "Dritter Absatz."]
    assert [(p.start_line, p.end_line) for p in paragraphs] == [(1, 1), (3, 3), (4, 4), (7, 7)]


def test_hard_wrapped_paragraphs_are_rejoined_with_line_numbers():
    wrapped = (
        "Der Stadtrat hat am Dienstag ein neues Konzept für den Veloverkehr\n"
        "verabschiedet. Es sieht breitere Wege und mehr Abstellplätze vor, die\n"
        "bis zum Sommer gebaut werden sollen, sagte die zuständige Stadträtin.\n"
        "\n"
        "Die Kosten belaufen sich auf rund zwölf Millionen Franken. Die Arbeiten\n"
        "sollen im Frühling beginnen und ungefähr zwei Jahre dauern, hiess es.\n"
    )
    paragraphs = segment_text(wrapped)
    assert len(paragraphs) == 2
    assert paragraphs[0].text.startswith("Der Stadtrat") and paragraphs[0].text.endswith("Stadträtin.")
    assert (paragraphs[0].start_line, paragraphs[0].end_line) == (1, 3)
    assert (paragraphs[1].start_line, paragraphs[1].end_line) == (5, 6)


def test_hyphenated_wrap_is_mended():
    wrapped = (
        "Die Gemeinde plant umfangreiche Investitionen in die Infrastruktur und Investi-\n"
        "tionen in Schulen, sagte der Bürgermeister am Montag vor den Medien in der Stadt.\n"
        "Weitere Einzelheiten will die Verwaltung in der kommenden Woche bekanntgeben, so er.\n"
    )
    assert "Investitionen in Schulen" in segment_text(wrapped)[0].text


def _wrapped(paragraphs: list[str], width: int = 78) -> str:
    """Paragraphs hard-wrapped the way a text converter does it: textwrap, blank line between paragraphs."""
    return "\n\n".join("\n".join(textwrap.wrap(p, width=width, break_long_words=False, break_on_hyphens=False))
                       for p in paragraphs)


COMMENTS = [
    "Ich fahre die Strecke seit zwanzig Jahren jeden Tag und habe so etwas noch nie erlebt, die Ampel an der Kreuzung war einfach aus.",
    "Danke!",
    "Das stimmt nicht ganz, die Stadt hat die Baustelle schon im Frühjahr angekündigt, nur hat es niemand gelesen.",
    "Genau so ist es.",
    "Wer hat eigentlich entschieden, dass die Umleitung ausgerechnet durch die Schulstrasse führt? Morgens um halb acht ist dort die Hölle los.",
    "Mehr dazu hier: https://www.example.org/verkehr/baustellen/umleitungen-im-stadtgebiet-uebersicht-und-karte-2024",
    "Ich finde, man sollte den Leuten, die sich jeden Tag durch den Stau quälen, wenigstens ehrlich sagen, wie lange das noch dauert.",
]


def test_hard_wraps_are_found_among_short_paragraphs_and_overlong_words():
    """The column is read off the lines that continue a paragraph: many one-line comments and a URL that
    overflows the column (both common in comment threads) must not hide it."""
    paragraphs = segment_text(_wrapped(COMMENTS))
    assert [p.text for p in paragraphs] == COMMENTS


def test_a_word_just_over_the_column_does_not_hide_the_wrapping():
    """A URL on a line of its own, two columns past the column, gives a band two columns wider one line more than
    the column's own; the width must still be the column the text was wrapped at (a wrapper's breaks contradict
    the wider one), and the URL's line break is a soft wrap too."""
    url = "https://www.example.org/" + "a" * 56
    paragraphs = [
        "Die Gemeinde hat am Montag beschlossen, die Sanierung der alten Turnhalle um ein Jahr zu verschieben, "
        "weil die Kosten seit der ersten Schätzung um fast die Hälfte gestiegen sind und der Kanton seinen Beitrag "
        "noch nicht zugesagt hat. Die Vereine müssen bis dahin in die Halle der Nachbargemeinde ausweichen, was "
        "für viele Eltern längere Fahrten am Abend bedeutet und den Trainingsbetrieb der Jugend stark einschränkt.",
        f"Die Unterlagen zur Sitzung stehen unter {url} zum Herunterladen bereit, ebenso das Protokoll der "
        "letzten Versammlung und die Stellungnahme des Gemeinderats zu den Fragen aus der Bevölkerung.",
    ]
    assert len(url) == 80
    assert [p.text for p in segment_text(_wrapped(paragraphs))] == paragraphs


def test_a_sentence_broken_after_a_link_is_rejoined():
    """One text node per line (BeautifulSoup's get_text("\\n") and the like) breaks a sentence after a link; a
    line that opens with closing punctuation belongs to the line before, without a space."""
    text = ("Die Zahlen stammen aus dem\nBericht des Bundesamts\n, der am Montag erschien.\nMehr dazu\n. . .\n"
            "...weiterlesen\nNächster Absatz (siehe\nGrafik\n).\nQuelle: Statistik Austria\n.")
    assert [(p.text, p.start_line, p.end_line) for p in segment_text(text)] == [
        ("Die Zahlen stammen aus dem", 1, 1),
        ("Bericht des Bundesamts, der am Montag erschien.", 2, 3),
        ("Mehr dazu", 4, 4),
        (". . .", 5, 5),  # a dotted rule and an ellipsis open lines of their own
        ("...weiterlesen", 6, 6),
        ("Nächster Absatz (siehe", 7, 7),
        ("Grafik).", 8, 9),
        ("Quelle: Statistik Austria.", 10, 11),
    ]


def test_a_list_of_similar_lines_is_not_taken_for_wrapped_text():
    """Menu lines of similar length (the old rule, the longest line as the column, joined these): a wrapper
    would have filled most of them further, so they are lines, not a wrapped paragraph."""
    menu = [
        "Politik: Bundesrat, Parlament, Abstimmungen und Wahlen",
        "Wirtschaft: Börse, Unternehmen, Konjunktur und Arbeitsmarkt",
        "Sport: Fussball, Eishockey, Tennis, Ski und Leichtathletik",
        "Kultur: Kino, Musik, Bücher, Theater und Ausstellungen",
        "Wissen: Klima, Gesundheit, Technik und Raumfahrt",
        "Reisen: Städte, Strände, Wandern und Bahnreisen in Europa",
        "Auto: Tests, Elektromobilität, Verkehr und Recht im Alltag",
    ]
    assert [p.text for p in segment_text("\n".join(menu))] == menu


def test_short_lines_are_not_joined():
    text = "5 CHF\n15 CHF\n25 CHF\nAnderer"
    assert len(segment_text(text)) == 4


def test_crlf_and_whitespace_are_normalized():
    assert [p.text for p in segment_text("a  b\r\n\r\n  c\td  \r\n")] == ["a b", "c d"]


def test_looks_like_html():
    assert looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert looks_like_html("  <html>")
    assert looks_like_html("<div><p>a</p><p>b</p><p>c</p><a href=x>d</a><br></div>")
    assert not looks_like_html("Preis < 5 und > 3 Euro")
    assert not looks_like_html("Ein Text über <p> Tags.")


HTML = """<html><head><title>T</title><style>.x{}</style></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/p">Politik</a></li></ul></nav>
<article><h1>Schlagzeile</h1><p>Erster <b>Absatz</b> mit <a href="/x">Link</a>.</p>
<script>var x = "nicht sichtbar";</script>
<figure><img src="a.jpg"><figcaption class="image-credit">Foto: dpa</figcaption></figure>
<p hidden>versteckt</p><p style="display: none">auch versteckt</p>
<p>Zeile eins<br>Zeile zwei</p>
<div class="comment-list"><p>Toller Artikel!</p></div></article>
<noscript>Bitte JavaScript aktivieren</noscript></body></html>"""


def test_html_blocks_skip_invisible_and_keep_structure():
    blocks = html_blocks(HTML)
    texts = [b.paragraph.text for b in blocks]
    assert texts == ["Home", "Politik", "Schlagzeile", "Erster Absatz mit Link.", "Foto: dpa", "Zeile eins", "Zeile zwei", "Toller Artikel!"]
    by_text = {b.paragraph.text: b.paragraph.structure for b in blocks}
    assert by_text["Schlagzeile"].heading == 1
    assert "in:figcaption" in by_text["Foto: dpa"].tokens and "cls:credit" in by_text["Foto: dpa"].tokens
    assert "in:nav" in by_text["Home"].tokens and by_text["Home"].link_density == 1.0
    assert 0 < by_text["Erster Absatz mit Link."].link_density < 0.5
    assert "cls:comment" in by_text["Toller Artikel!"].tokens
    assert all(b.paragraph.start_line is None for b in blocks)


def test_html_text_pieces_are_the_text_nodes():
    block = html_blocks("<p>Lies <a href=x>hier</a> mehr</p>")[0]
    assert block.pieces == ("Lies", "hier", "mehr")


def test_mark_attribute_reports_dominant_value():
    html = '<div><p><span data-gold="2">ein langer markierter Text</span> kurz</p></div>'
    assert html_blocks(html, mark_attribute="data-gold")[0].mark == "2"


def test_deep_nesting_does_not_recurse():
    depth = 6000
    html = "<div>" * depth + "tief" + "</div>" * depth
    assert [b.paragraph.text for b in html_blocks(html)] == ["tief"]


def test_unclosed_tags_and_huge_attributes():
    html = "<html><body><p>eins<p>zwei<div class='" + "x" * 2_000_000 + "'>drei<span>vier"
    assert [b.paragraph.text for b in html_blocks(html)] == ["eins", "zwei", "drei vier"] or \
        [b.paragraph.text for b in html_blocks(html)][:2] == ["eins", "zwei"]


def test_segment_dispatches_on_format():
    assert segment("<p>a</p>", InputFormat.TEXT)[0].text == "<p>a</p>"
    assert segment("<html><body><p>a</p></body></html>")[0].text == "a"
    assert segment("") == [] and segment("<html></html>", InputFormat.HTML) == []
