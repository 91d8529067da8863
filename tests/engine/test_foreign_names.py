"""States named in other languages: names generated from pycountry's ISO 3166 catalogues, read exactly,
ambiguous when two states share them, never over an English name or an ordinary English word."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.engine.entities import AMBIGUOUS, STATE, EntityIndex, common_english_words
from bot.engine.foreign_names import (
    ScriptNames,
    catalogue_language,
    catalogue_names,
    fold_with_offsets,
    generated_names,
    name_forms,
    script_key,
    settings,
    suggest,
    written_in,
)

TODAY = dt.date(2026, 11, 27)
QUESTIONS = Path(__file__).resolve().parent.parent / "questions.yaml"
LANGUAGES = ("fr", "es", "de", "ru", "uk", "pl", "fi", "et", "lv", "lt", "ar", "zh_CN")
EXAMPLES = [
    ("Allemagne", "DEU"),
    ("Polska", "POL"),
    ("Suomi", "FIN"),
    ("Россия", "RUS"),
    ("Eesti", "EST"),
    ("Lietuva", "LTU"),
    ("Україна", "UKR"),
    ("Estados Unidos", "USA"),
    ("日本", "JPN"),
]


@pytest.fixture(scope="module")
def english_only(engine) -> EntityIndex:
    """The alias index as it was before names in other languages: curated aliases and English names."""
    return EntityIndex(engine.kb, languages=())


def test_the_data_file_lists_every_language_asked_for() -> None:
    assert set(LANGUAGES) <= set(settings().languages)
    assert all(catalogue_names(language) for language in LANGUAGES)


@pytest.mark.parametrize(("name", "iso3"), EXAMPLES)
def test_each_example_name_resolves_alone_and_in_a_question(engine, name: str, iso3: str) -> None:
    for question in (name, f"Is {name} a party?", f"{name} status"):
        answer = engine.ask(question, as_of=TODAY)
        assert answer.matched and answer.states == [iso3], (question, answer.text)
    assert engine.entities.resolve_state(name) == iso3  # the /status command's state option


@pytest.mark.parametrize(
    ("question", "iso3"),
    [
        ("日本は締約国ですか", "JPN"),  # no spaces between words: the name is found inside the run
        ("刚果民主共和国是缔约国吗", "COD"),  # the longest name wins over "刚果" (the Republic of the Congo)
        ("Является ли Россия участником?", "RUS"),
        ("هل روسيا طرف؟", "RUS"),
        ("Is États-Unis a party?", "USA"),
        ("When did Lietuva withdraw?", "LTU"),
        ("Est-ce que l'Allemagne est partie ?", "DEU"),
    ],
)
def test_names_in_other_scripts_and_in_sentences(engine, question: str, iso3: str) -> None:
    assert engine.entities.resolve_state(question) == iso3


def test_every_state_resolves_in_every_language(engine) -> None:
    """Each state by one of its names in each language, or by its English name where the language writes
    it the same way ("Canada" in French); the one exception is a name that is an English word."""
    entities = engine.entities
    missing = []
    for language in LANGUAGES:
        names: dict[str, list[str]] = {}
        for name in catalogue_names(language):
            names.setdefault(name.iso3, []).append(name.name)
        for iso3 in engine.kb.states:
            written = names.get(iso3, [])
            if written and not any(entities.resolve_state(name) == iso3 for name in written):
                missing.append((language, iso3, written))
    assert missing == [("fr", "GRD", ["Grenade"])]  # the French name of Grenada is the English "grenade"


def test_the_answer_says_which_name_it_read(engine) -> None:
    answer = engine.ask("Is Allemagne a party?", as_of=TODAY)
    assert answer.text.startswith("_(I read “Allemagne” as Germany.)_\n")
    assert "I read “États-Unis” as United States" in engine.ask("Is États-Unis a party?", as_of=TODAY).text
    assert "I read “Россия” as Russia" in engine.ask("Россия", as_of=TODAY).text
    assert "I read" not in engine.ask("Is Germany a party?", as_of=TODAY).text


@pytest.mark.parametrize("name", ["Kongo", "Конго", "Corée", "Corea"])
def test_a_name_two_states_share_is_ambiguous(engine, name: str) -> None:
    answer = engine.ask(f"Is {name} a party?", as_of=TODAY)
    assert answer.intent == "ambiguous" and not answer.matched and answer.states == []
    assert f"“{name}” could mean several states" in answer.text
    mention = next(m for m in engine.entities.find(name).mentions)
    assert mention.target.kind == AMBIGUOUS and len(mention.target.codes) == 2


def test_generated_names_never_replace_a_curated_or_english_name(engine, english_only) -> None:
    for key, targets in english_only.exact.items():
        assert engine.entities.exact[key] == targets, key
    assert not any(t.language for t in engine.entities.fuzzy_targets.values())  # typos: English names only


def test_common_english_words_never_become_states_by_another_language(engine) -> None:
    english = common_english_words()
    for name in generated_names():
        if len(name.words) == 1 and name.words[0] in english:
            assert not any(t.language for t in engine.entities.exact.get(name.words, [])), name


@pytest.mark.parametrize(
    "question",
    [
        "Can a grenade be a landmine?",  # French "Grenade" (Grenada)
        "Is there an island with mines?",  # German "Island" (Iceland)
        "are suede shoes banned",  # French "Suède" (Sweden)
        "is chili a party food",  # French "Chili" (Chile)
        "What about the togas?",  # Lithuanian "Togas" (Togo): rare, but English
        "Did Dominique sign anything?",  # French "Dominique" (Dominica): a given name in English
    ],
)
def test_english_words_that_are_names_elsewhere_stay_words(engine, question: str) -> None:
    assert not [m for m in engine.entities.find(question).mentions if m.target.kind == STATE]
    assert "I read" not in engine.ask(question, as_of=TODAY).text


def test_english_questions_read_the_same_names_as_before(engine, english_only) -> None:
    """Every question of the main set names the same states, groups and places as without the names in
    other languages; a few "typos" are now read as what they are, a name in another language."""
    questions = [
        str(item["q"]) for item in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    ]
    changed, foreign = [], []
    for question in questions:
        now = engine.entities.find(question).mentions
        before = english_only.find(question).mentions
        if list(dict.fromkeys((m.target.kind, m.target.codes) for m in now)) != list(
            dict.fromkeys((m.target.kind, m.target.codes) for m in before)
        ):
            changed.append(question)
        if any(m.target.language for m in now):
            foreign.append(question)
    assert changed == []
    assert foreign == [
        "has finnland left",  # German
        "latvija status",  # Latvian
        "afganistan status",  # Spanish
        "kazakstan member",  # Finnish
        "هل بولندا طرف؟ is Poland a party",  # Arabic
    ]


@pytest.mark.parametrize(
    "name", ["Convention d'Ottawa", "Traité d'Ottawa", "Tratado de Ottawa", "Convención de Ottawa"]
)
def test_the_conventions_french_and_spanish_names_are_read_as_its_english_name(engine, name: str) -> None:
    for template in (
        "Is Germany a party to the {}?",
        "When did the {} enter into force?",
        "Who has left the {}?",
        "How many parties does the {} have?",
    ):
        english = engine.ask(template.format("Ottawa Convention"), as_of=TODAY)
        foreign = engine.ask(template.format(name), as_of=TODAY)
        assert foreign.matched and (foreign.text, foreign.states) == (english.text, english.states), template
    understood = engine.understand(f"Is the {name} a mine ban?", as_of=TODAY)
    assert understood is not None and understood.unknown == () and understood.has("in_scope_names")


def test_name_forms_unfold_inverted_and_bracketed_names() -> None:
    assert name_forms("Korea, Republik") == ["Korea, Republik", "Korea", "Republik Korea"]
    assert name_forms("Lõuna-Korea (Korea Vabariik)") == [
        "Lõuna-Korea (Korea Vabariik)",
        "Lõuna-Korea",
        "Korea Vabariik",
    ]
    assert name_forms("Allemagne") == ["Allemagne"]
    assert name_forms("Palestyna (państwo)") == ["Palestyna (państwo)", "Palestyna"]  # "state": no name
    assert name_forms("كوريا، جمهوريّة كوريا") == ["كوريا، جمهوريّة كوريا", "كوريا", "جمهوريّة كوريا"]


def test_the_data_file_corrects_the_catalogues() -> None:
    arabic = {(n.name, n.iso3) for n in catalogue_names("ar")}
    assert ("المالديف", "MDV") in arabic and ("المالديف", "MDA") not in arabic
    assert ("Россия", "RUS") in {(n.name, n.iso3) for n in catalogue_names("ru")}
    assert ("Polska", "POL") in {(n.name, n.iso3) for n in catalogue_names("pl")}  # the catalogue's own


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("fr", "fr"),
        ("es-ES", "es"),
        ("es-419", "es"),
        ("zh-CN", "zh_CN"),
        ("pt-BR", "pt_BR"),
        ("no", "nb_NO"),
        ("en-US", ""),
    ],
)
def test_discord_locales_map_to_catalogues(locale: str, language: str) -> None:
    assert catalogue_language(locale) == language


def test_script_names_are_whole_words_except_in_cjk() -> None:
    scanner = ScriptNames([script_key("Россия"), script_key("日本")])
    assert [key for _, _, key in scanner.scan("Россия?")] == ["россия"]
    assert scanner.scan("Россиянин") == []  # a longer word, not the name
    assert [(s, e) for s, e, _ in scanner.scan("日本は締約国ですか")] == [(0, 2)]
    assert scanner.scan("plain ASCII text") == []


def test_the_scan_key_of_a_name_is_how_the_text_is_folded() -> None:
    for name in generated_names():
        if name.key:
            assert name.key == fold_with_offsets(name.name)[0].strip(), name


def test_a_name_is_quoted_as_the_question_writes_it() -> None:
    assert written_in("Is États-Unis a party?", ["etats", "unis"]) == "États-Unis"
    assert written_in("(Allemagne)?", ["allemagne"]) == "Allemagne"
    assert written_in("Allemagne/France", ["allemagne"]) is None


def test_a_foreign_name_one_typo_from_another_state_is_not_read(engine) -> None:
    """Latvian "Nigēra" is Niger, but "Nigera" is far more often Nigeria mistyped: never a confident Niger."""
    answer = engine.ask("Is Nigera a party?", as_of=TODAY)
    assert "NER" not in answer.states


def test_suggestions_are_names_that_begin_with_the_text_then_names_with_a_word_that_does() -> None:
    """``suggest`` finds names by bisection; it must offer what a plain scan of every name would."""
    languages = settings().languages

    def scanned(text: str, states: set[str]) -> list[tuple[str, str]]:
        wanted = " " + script_key(text)
        found: dict[str, str] = {}
        for language in languages:
            shown = [(f" {script_key(n.name)}", n) for n in catalogue_names(language) if n.shown]
            names = sorted(shown, key=lambda pair: pair[0])
            beginning = [n for key, n in names if key.startswith(wanted)]
            for n in beginning + [n for key, n in names if wanted in key]:
                if n.iso3 in states:
                    found.setdefault(n.iso3, n.name)
        return list(found.items())[:25]

    states = {name.iso3 for name in generated_names(languages)}
    texts = ["a", "al", "alle", "unis", "etats", "rép", "s", "sa", "nouvelle z", "kor", "ро", "日本", "zz"]
    for text in texts:
        offered = [(n.iso3, n.name) for n in suggest(text, languages, states)]
        assert offered == scanned(text, states), text
    french = [n.name for n in suggest("unis", ["fr"], states)]
    assert "États-Unis" in french and "Émirats arabes unis" in french
    assert suggest("alle", ["fr"], states)[0].name == "Allemagne"
