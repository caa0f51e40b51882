"""The answer's HTML, one renderer for the notebook (Answer._repr_html_) and the chat (no model needed)."""

from __future__ import annotations

import re

from qa.render import dom_id, render_answer
from qa.types import Answer, Citation

SENTENCE = "Görüşmelerde 15 işbirliği anlaşması imzalandı."
CITED = Citation("kazakistan#983a301f", SENTENCE, "seeds/kazakistan.txt", 10, 56, 0.91)


def answered() -> Answer:
    return Answer(question="Kaç işbirliği anlaşması imzalandı?", text=f"15 [1]\n\n{SENTENCE} [1]",
                  citations=[CITED], fact="15", timings={"total_ms": 12.5})


def test_repr_html_keeps_the_short_answer_above_its_sentence():
    html = answered()._repr_html_()
    answer = re.search(r'<div class="answer">(.*?)</div>', html).group(1)
    paragraphs = re.findall(r"<p>(.*?)</p>", answer)
    assert len(paragraphs) == 2, answer  # the line break between the fact and its sentence survives
    assert paragraphs[0].startswith("15 <a ")
    assert paragraphs[1].startswith(SENTENCE)
    # the same markup as the chat's, and the same look (the fact bold)
    assert answer in render_answer(answered().text, [CITED], abstained=False)
    assert ".qa-answer .answer p:first-child:not(:only-child) { font-weight: 600; }" in html
    # each [1] links to the cited sentence, listed below with that id
    assert html.count(f'href="#{dom_id(CITED.id)}" class="cite"') == 2
    assert f'<li id="{dom_id(CITED.id)}"><q>{SENTENCE}</q>' in html
    assert "<b>Kaç işbirliği anlaşması imzalandı?</b>" in html and "12.5 ms" in html


def test_repr_html_escapes_and_shows_an_abstention():
    answer = Answer(question="<script>x</script>?", text="Bu sorunun cevabı makalede yok.", abstained=True,
                    reason="no sentence is likely to hold the answer")
    html = answer._repr_html_()
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;?" in html
    assert '<div class="abstain"><strong>Yanıt yok.</strong> Bu sorunun cevabı makalede yok.' in html
    assert "no sentence is likely to hold the answer" in html
    assert "<ol>" not in html and 'class="cite"' not in html


def test_chat_and_notebook_share_one_renderer():
    import qa.render
    import ui.render

    assert ui.render.render_answer is qa.render.render_answer
    assert ui.render.dom_id is qa.render.dom_id
