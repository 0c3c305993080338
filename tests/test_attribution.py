"""Who said what: attribution from the parse and speaker resolution, on paragraphs written for the
project (the measured figures on PolNeAR are in docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.annotate.entities import find_mentions
from storylens.annotate.quotes import candidate_chunks, find_quotes
from storylens.annotate.roles import find_roles
from storylens.evaluate import polnear
from storylens.evaluate.runner import Ticker, quotes
from storylens.model import QuoteKind, QuoteMention


def attributed(text: str) -> tuple[QuoteMention, ...]:
    mentions = find_mentions([("a", text)])["a"]
    return find_quotes("a", text, mentions, find_roles("a", text, mentions))


def only(found: tuple[QuoteMention, ...], kind: QuoteKind) -> list[QuoteMention]:
    return [q for q in found if q.kind == kind]


def test_reported_speech_without_quotation_marks() -> None:
    found = attributed("Finance Minister Maria Lopez said that the budget would be cut by March.")
    (quote,) = only(found, QuoteKind.INDIRECT)
    assert quote.speaker == "Maria Lopez"
    assert "budget would be cut" in quote.text
    assert quote.speaker_text is not None and "Maria Lopez" in quote.speaker_text


def test_according_to_gives_the_clause_to_its_source() -> None:
    found = attributed("According to Daniel Okafor, the bridge had been closed twice before the collapse.")
    (quote,) = only(found, QuoteKind.INDIRECT)
    assert quote.speaker == "Daniel Okafor"
    assert quote.text.startswith("the bridge had been closed")


def test_trailing_attribution_after_reported_clause() -> None:
    text = "Peter Novak led the ministry for six years. The talks had failed, the minister told reporters."
    (quote,) = only(attributed(text), QuoteKind.INDIRECT)
    assert "talks had failed" in quote.text
    assert quote.speaker_text == "the minister"


@pytest.mark.parametrize(
    "text",
    [
        '"We will rebuild the bridge by spring," said Hana Sato.',
        'Hana Sato said: "We will rebuild the bridge by spring."',
        '"We will rebuild the bridge," Hana Sato said, "and we will do it by spring."',
    ],
)
def test_direct_quote_speakers_before_after_and_inside(text: str) -> None:
    direct = only(attributed(text), QuoteKind.DIRECT)
    assert direct and all(q.speaker == "Hana Sato" for q in direct)
    assert all(not q.text.startswith('"') and not q.text.endswith('"') for q in direct)


def test_quote_continued_in_the_next_paragraph_keeps_its_speaker() -> None:
    text = (
        'Ruth Adeyemi, the union leader, spoke outside the court. "We asked for a fair hearing '
        'and we got one," she said.\n\n"Now the families can start to grieve."'
    )
    direct = only(attributed(text), QuoteKind.DIRECT)
    assert [q.speaker for q in direct] == ["Ruth Adeyemi", "Ruth Adeyemi"]


def test_pronoun_agrees_in_gender_and_skips_the_person_quoted_about() -> None:
    text = (
        'Anna Kowalski met Tom Becker on Monday. "Tom Becker has failed the town and he knows it," she said.'
    )
    (quote,) = only(attributed(text), QuoteKind.DIRECT)
    assert quote.speaker_text == "she"
    assert quote.speaker == "Anna Kowalski"


def test_words_about_someone_stay_with_the_writer() -> None:
    # The issue's example: the quote talks about Smith; Jones wrote it.
    text = 'Laura Jones said that Smith "has failed the voters", she wrote on Tuesday.'
    found = attributed(text)
    assert found and all(q.speaker == "Laura Jones" for q in found)


def test_a_said_inside_a_quote_belongs_to_the_quoted_speaker() -> None:
    text = '"My father said we would never leave this farm," Maria Costa said.'
    (quote,) = attributed(text)
    assert quote.speaker == "Maria Costa"
    assert quote.text.startswith("My father said")


def test_dash_credit_names_the_speaker() -> None:
    text = "Readers wrote in.\n“He never answered a single question about wages.” ― Carla Mendes\n"
    (quote,) = only(attributed(text), QuoteKind.DIRECT)
    assert quote.speaker == "Carla Mendes"


def test_titles_and_unattributed_fragments_are_not_quotes() -> None:
    text = 'The film "Gone With The Wind" played at the festival. The "rather mixed affair" ended on Sunday.'
    assert only(attributed(text), QuoteKind.DIRECT) == []


def test_description_resolves_through_the_title_given_earlier() -> None:
    text = (
        "Health Minister Ivo Rossi visited the hospital on Friday. "
        '"Every ward will have more nurses by the summer," the minister said.'
    )
    (quote,) = only(attributed(text), QuoteKind.DIRECT)
    assert quote.speaker_text == "the minister"
    assert quote.speaker == "Ivo Rossi"


def test_only_paragraphs_that_can_hold_an_attribution_are_parsed() -> None:
    text = "The water was cold.\nOfficials said the road was shut.\n\nThe bus was late on Sunday."
    chunks = list(candidate_chunks(text))
    assert chunks == [(text.index("Officials"), "Officials said the road was shut.")]


SENTENCES = [
    "Mayor Lena Berg said the plan would cost more.",
    '"We are ready," said Omar Haddad.',
    "The storm passed.",
    "According to the police, two people were hurt.",
    "“It was terrifying,” she told reporters.",
    "Officials warned that the dam could fail.",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6), st.sampled_from([" ", "\n", "\n\n"]))
def test_every_quote_points_into_its_text(parts: list[str], separator: str) -> None:
    text = separator.join(parts)
    for quote in attributed(text):
        assert 0 <= quote.start < quote.end <= len(text)
        if quote.speaker_span is not None:
            span = quote.speaker_span
            assert text[span.start : span.end] == quote.speaker_text
            # the speaker is never the content
            assert not (quote.start <= span.start and span.end <= quote.end)
        if quote.kind == QuoteKind.DIRECT:
            assert quote.text == text[quote.start : quote.end]


def _brat_fixture(folder: Path) -> None:
    """A two-attribution PolNeAR-style split: one direct, one indirect."""
    text = 'Jan Vries said the vote was close. "We will win," Vries said.'
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    (folder / "text" / "doc.txt").write_text(text, encoding="utf-8")

    def span(words: str, after: int = 0) -> str:
        start = text.index(words, after)
        return f"{start} {start + len(words)}\t{words}"

    quoted = '"We will win,"'
    ann = [
        f"T1\tSource {span('Jan Vries')}",
        f"T2\tCue {span('said')}",
        f"T3\tContent {span('the vote was close')}",
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3",
        f"T4\tContent {span(quoted)}",
        f"T5\tSource {span('Vries', 20)}",
        f"T6\tCue {span('said', 20)}",
        "E2\tAttribution:T6 Source:T5 Cue:T6 Content:T4",
    ]
    (folder / "attributions" / "doc_ab12.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")


def test_polnear_reader_and_scores(tmp_path: Path) -> None:
    _brat_fixture(tmp_path / "dev")
    (article,) = polnear.read_split(tmp_path / "dev")
    assert [g.direct for g in article.attributions] == [False, True]
    perfect = [polnear.Predicted(g.content, g.source[0], "Jan Vries", g.direct) for g in article.attributions]
    direct, indirect = polnear.Tally(), polnear.Tally()
    polnear.tally(article, perfect, True, direct)
    polnear.tally(article, perfect, False, indirect)
    assert direct.scores() == (1.0, 1.0, 1.0, 1.0, 1.0)
    wrong = [polnear.Predicted(((0, 9),), None, None, True)]  # a span that is no content
    missed = polnear.Tally()
    polnear.tally(article, wrong, True, missed)
    assert missed.scores()[:3] == (0.0, 0.0, 0.0)


def test_eval_quotes_table_has_the_issue_columns(tmp_path: Path) -> None:
    _brat_fixture(tmp_path / "dev")
    table = quotes(tmp_path / "dev", None, Ticker())
    assert table.columns == [
        "system", "direct P", "direct R", "direct F1", "direct speaker", "named speaker",
        "indirect P", "indirect R", "indirect F1", "indirect speaker",
    ]  # fmt: skip
    ours = table.rows[0]
    assert ours[0].startswith("storylens")
    assert ours[3] == 1.0 and ours[8] == 1.0  # both attributions found, right speakers


def test_an_article_that_trips_the_attributor_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime

    from storylens import annotate as annotate_package
    from storylens.annotate import quotes as quotes_module
    from storylens.model import Article, Failure

    real = quotes_module.find_attributions

    def tripping(doc):  # type: ignore[no-untyped-def]
        if "BOOM" in doc.text:
            raise RuntimeError("odd text")
        return real(doc)

    monkeypatch.setattr(quotes_module, "find_attributions", tripping)
    articles = [
        Article(
            "good",
            'Mayor Lena Berg said the plan would cost more. "We are ready," she said.',
            "",
            "x",
            "a",
            "text",
        ),
        Article(
            "bad",
            'The BOOM said it. "Something odd," he said.',
            "",
            "x",
            "b",
            "text",
            published=datetime(2026, 1, 1),
        ),
    ]
    failures: list[Failure] = []
    found = annotate_package.annotate(articles, failures)
    assert set(found) == {"good"} and [f.origin for f in failures] == ["b"]
    assert any(q.speaker == "Lena Berg" for q in found["good"].quotes)


def test_chunks_stay_small_and_a_giant_paragraph_is_not_parsed() -> None:
    paragraph = "Officials said the road was shut. " * 100  # 3,400 characters
    giant = "The minister said " + "very " * 5000 + "much."
    text = "\n".join([paragraph] * 12 + [giant])
    chunks = list(candidate_chunks(text))
    assert all(len(chunk) <= 20_000 for _, chunk in chunks)
    assert all(text[offset : offset + len(chunk)] == chunk for offset, chunk in chunks)
    assert not any("very very" in chunk for _, chunk in chunks)
    assert sum(chunk.count("Officials") for _, chunk in chunks) == 1200


def test_british_single_quotes_are_quotes_and_apostrophes_are_not() -> None:
    text = "‘It’s over for the club and we all know it,’ said manager Paul Dean. The Joneses’ house was sold."
    (quote,) = attributed(text)
    assert quote.kind == QuoteKind.DIRECT
    assert quote.text == "It’s over for the club and we all know it"
    assert quote.speaker == "Paul Dean"


def test_a_capitalised_common_noun_or_a_possessive_is_not_the_speaker() -> None:
    text = (
        "Rebekah Martinez was reported missing in November. "
        "Doctors said the patients were stable, and doctors in the city agreed. "
        "Martinez's mother said she had last spoken to her daughter on Nov. 12."
    )
    found = only(attributed(text), QuoteKind.INDIRECT)
    assert [(q.speaker_text, q.speaker) for q in found][:1] == [("Doctors", None)]
    mother = next(q for q in found if q.speaker_text and "mother" in q.speaker_text)
    assert mother.speaker is None  # her mother, not Martinez


def test_reported_content_of_one_word_is_no_statement() -> None:
    assert only(attributed("Jessica Yellin said herself. The host was late."), QuoteKind.INDIRECT) == []


def test_a_description_resolves_only_to_a_person_named_in_the_article() -> None:
    text = "Mexico's treasury secretary said Tuesday the practice costs the country $780 million a year."
    (quote,) = only(attributed(text), QuoteKind.INDIRECT)
    assert quote.speaker is None and quote.speaker_text == "Mexico's treasury secretary"


def test_they_is_never_a_single_company_or_place() -> None:
    text = (
        "Officials at the Transportation Security Administration closed two terminals. "
        "They said the gunman had been arrested near the gate."
    )
    (quote,) = only(attributed(text), QuoteKind.INDIRECT)
    assert quote.speaker_text == "They" and quote.speaker is None


def test_pronoun_goes_to_the_subject_of_the_latest_sentence_not_an_older_speaker() -> None:
    text = (
        '"We will rebuild the bridge," Peter Hall said.\n\n'
        "The council hired a new engineer in March after the mayor's brother, David Marsh, "
        "wrote a letter to Oliver Grant. He said the old design had been unsafe for years."
    )
    quotes = attributed(text)
    (reported,) = [q for q in quotes if q.speaker_text == "He"]
    assert reported.speaker == "David Marsh"  # not Peter Hall (older speaker), not Oliver Grant (addressee)


def test_the_one_asked_is_not_the_one_who_asks() -> None:
    text = '"No regrets at all," Laura Chen said on Friday when asked whether she regretted the remark.'
    asked = [q for q in attributed(text) if "regretted" in q.text]
    assert all(q.speaker != "Laura Chen" for q in asked)


def test_an_institution_named_after_a_person_speaks_as_itself() -> None:
    text = "Harold Finch Memorial Hospital in Denver announced that the last patient had been released."
    (quote,) = only(attributed(text), QuoteKind.INDIRECT)
    assert quote.speaker == "Harold Finch Memorial Hospital"


def test_a_section_heading_before_a_colon_is_not_the_speaker() -> None:
    text = (
        "Some of our favorite Berg quotes over the years: \n \n ON HAPPINESS: “To be truly happy, you "
        'must be ready to give everything.” \n \n ON LEADERSHIP: "Leadership is not about a title. '
        "It's about attitude.\" \n"
    )
    found = only(attributed(text), QuoteKind.DIRECT)
    assert not any(q.speaker_text in {"ON HAPPINESS", "ON LEADERSHIP"} for q in found)
    assert all(q.speaker in {"Berg", None} for q in found)  # never "Some", the phrase's determiner
    transcript = 'BERG: "Every family deserves a home they can afford."'
    assert [q.speaker_text for q in only(attributed(transcript), QuoteKind.DIRECT)] == ["BERG"]


def test_a_party_label_in_brackets_is_not_the_speaker() -> None:
    # The zero-width spaces are as a real page wrote them; they keep the bracket apart from the name.
    text = (
        "State Sen. Diane Savino \u200b(D-SI) \u200bapplauded the deal and called for “the city "
        "council to do the same, to ensure that the dancers are paid.”"
    )
    (quote,) = only(attributed(text), QuoteKind.DIRECT)
    assert quote.speaker == "Diane Savino"


def test_a_child_called_by_first_name_is_not_the_she_who_speaks() -> None:
    # "Carter" is the first name of the boy named in full before; the correction at the end names
    # a "Robin Carter" who must not complete the earlier "Carter".
    text = (
        "Before dinner, 3-year-old Carter Roberts seemed healthy. His mother, Robin Roberts, figured he "
        'had a cold.\n\nCarter could barely stand when she picked him up. "What was most alarming," she '
        'said, "is he had no control over his arm."\n\nCorrection: This article misnamed Robin Roberts '
        "as Robin Carter."
    )
    direct = only(attributed(text), QuoteKind.DIRECT)
    assert direct and all(q.speaker == "Robin Roberts" for q in direct)


def test_the_person_a_speaker_is_related_to_does_not_speak() -> None:
    text = (
        "Wilbur Ross ran the fund for years. "
        '"Everyone who worked with him knew it was not true," says a former colleague of Ross.'
    )
    (quote,) = only(attributed(text), QuoteKind.DIRECT)
    assert quote.speaker_text == "a former colleague of Ross"
    assert quote.speaker is None
    (son,) = attributed(
        "The son of Oscar-winning actor Richard Dreyfuss wrote that the actor had groped him."
    )
    assert son.speaker is None
    (kerry,) = attributed("Secretary of State John Kerry said the talks would resume.")
    assert kerry.speaker == "John Kerry"
    (spokesman,) = attributed("A spokesman for Maria Lopez said the budget would be cut in March.")
    assert spokesman.speaker is None


def test_the_gold_name_of_a_source_is_its_head_not_whom_it_relates_to() -> None:
    assert polnear.proper_name("a longtime adviser to Trump") is None
    assert polnear.proper_name("longtime Democratic pollster Pat Caddell") == "Pat Caddell"
    assert polnear.proper_name("Secretary of State John Kerry") is not None


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            'Sara Long ran the desk. "I told him we are going to start him at $1 billion," added the '
            "reporter, who no longer works at the magazine.",
            "the reporter",
        ),
        (
            'Dan Ortiz met her friends. Adds another contemporary: "She wants him on the list."',
            "another contemporary",
        ),
    ],
)
def test_an_inverted_speaker_after_the_verb_is_found(text: str, speaker: str) -> None:
    (quote,) = only(attributed(text), QuoteKind.DIRECT)
    assert quote.speaker_text == speaker


def test_a_first_name_source_agrees_with_the_full_name_it_stands_for() -> None:
    assert polnear.names_agree("Jeb Bush", "Jeb")
    assert polnear.names_agree("Jeb Bush", "Mr. Bush")
    assert not polnear.names_agree("Jeb Bush", "Donald")
    assert not polnear.names_agree(None, "Jeb")


def test_reported_speech_that_nobody_says_is_no_quote() -> None:
    text = (
        "The famous length of fabric, which bears the image of a man, has long been thought to be the "
        "cloth that once wrapped a body. The imprint is said to have been transferred in three days."
    )
    assert only(attributed(text), QuoteKind.INDIRECT) == []


def test_a_title_keeps_a_surname_from_the_full_name_of_the_other_gender() -> None:
    found = attributed(
        "Jane Wilson, 53, died in a fall on the mountain. Mr Wilson said his wife went a short "
        "distance ahead of him to look for a route."
    )
    (quote,) = only(found, QuoteKind.INDIRECT)
    assert quote.speaker_text == "Mr Wilson"
    assert quote.speaker != "Jane Wilson"


def test_a_pronoun_after_an_unnamed_speaker_is_not_someone_named_before() -> None:
    found = attributed(
        "President Ali Abdullah Saleh spoke on Friday. At least 15 died, a hospital official said. "
        'He spoke on condition of anonymity. "Many of the dead are relatives of doctors here," he told '
        "The Associated Press."
    )
    pronoun = [q for q in found if q.speaker_text == "he"]
    assert pronoun and all(q.speaker is None for q in pronoun)


def test_quotes_under_topic_leads_are_the_previous_speakers() -> None:
    found = attributed(
        "Ms. Dickson Wright and Ms. Paterson just said no. On lard: “Just in case you think it’s "
        "unhealthy,” Ms. Dickson Wright said, “don’t be put off by that.”\n\nOn bacon: “I’m told that "
        "more vegetarians relapse on bacon than any other substance.”\n\nOn a lofty legume: “Always get "
        "rid of all the lentils. You would have no idea how randy it makes them.”\n\nOn tongue: “It’s "
        "wonderful stuff, tongue. Everybody forgets about tongue.”"
    )
    direct = only(found, QuoteKind.DIRECT)
    assert len(direct) == 5
    assert {q.speaker for q in direct} == {"Dickson Wright"}


def test_who_after_a_place_stands_for_the_people_before_it() -> None:
    found = attributed(
        "She had been ill for several months, according to Heather Holden-Brown and Elly James, her "
        "literary agents in London, who announced the death."
    )
    (said,) = [q for q in found if "death" in q.text]
    assert said.speaker != "London"
    assert said.speaker_text is not None and said.speaker_text.startswith("her literary agents")


def test_it_said_is_the_organisation_that_spoke_last_not_a_document() -> None:
    company = attributed(
        "BP said after the meeting that none of the money would be paid back. It said the targets "
        "had been met."
    )
    assert [q.speaker for q in company if q.speaker_text == "It"] == ["BP"]
    document = attributed(
        "The report was published by Oxfam on Monday. The study found poverty rising. It said that "
        "wages had fallen."
    )
    assert all(q.speaker is None for q in document if q.speaker_text == "It")
