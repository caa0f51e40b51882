"""The wordnet lexicon: restriction to the corpus and lookup are pure; KeNet itself in one slow test."""

import zlib

import numpy as np
import pytest

from index import lexicon
from index.documents import parse_document
from index.lexicon import literal_words, lookup, reaches, restrict
from qa.names import Vocabulary

CORPUS = {"töreni", "sevkiyatı", "kargo", "ticaret", "hacmini", "imzalandı"}
# Three Turkish synsets; the first two are linked to English words.
SYNSETS = [["tören", "merasim"], ["sevk etmek", "göndermek"], ["ticaret", "tecim"]]
ENGLISH = {0: ["ceremony", "ceremonial occasion"], 1: ["ship", "dispatch"]}


def test_literals_meet_text_without_light_verbs_and_infinitives():
    assert literal_words("sevk etmek") == ["sevk"]
    assert literal_words("artırmak") == ["artır"]
    assert literal_words("Boru Hattı") == ["boru", "hattı"]


def test_a_literal_reaches_its_suffixed_forms_only():
    assert reaches("töreni", "tören")
    assert reaches("sevkiyatı", "sevk")
    assert not reaches("değerlendiriliyor", "değer")  # twelve more letters make another word
    assert not reaches("törensel", "kargo")
    assert reaches("ab", "ab") and not reaches("abc", "ab")


def test_restrict_keeps_what_leads_to_corpus_words():
    found = restrict(SYNSETS, ENGLISH, CORPUS)
    assert found["en"]["ceremoni"] == ["töreni"]
    assert "ceremonial occasion" not in str(found["en"])  # multi-word English literals are left out
    assert found["tr"]["merasim"] == ["töreni"]
    assert "tören" not in found["tr"]  # its only synonym reaches no other corpus word
    assert found["tr"]["tecim"] == ["ticaret"]
    assert found["en"]["dispatch"] == ["sevkiyatı"]


def test_lookup_takes_the_longest_literal_a_question_word_begins():
    found = restrict(SYNSETS, ENGLISH, CORPUS)
    assert lookup(found, "merasimi", foreign=False) == ["töreni"]
    assert lookup(found, "ceremonies", foreign=True) == ["töreni"]
    shipment = {"en": {"ship": ["gemi"], "shipment": ["sevkiyatı"]}, "tr": {}}
    assert lookup(shipment, "shipped", foreign=True) == ["gemi", "sevkiyatı"]  # the verb and its noun
    assert lookup(found, "merasimlerinden", foreign=False) == []  # 8 suffix letters: another word
    assert lookup({}, "merasimi", foreign=False) == []
    # A final consonant softens before a vowel: "dayanağı" is "dayanak" with a suffix.
    assert lookup({"en": {}, "tr": {"dayanak": ["temeli"]}}, "dayanağı", foreign=False) == ["temeli"]


class NearEncoder:
    """Every word close to every other: the lexicon decides."""

    def encode_queries(self, texts):
        return np.ones((len(texts), 4), dtype=np.float32) / 2


class FarEncoder:
    """Orthogonal vectors: no two words alike."""

    def encode_queries(self, texts):
        return np.eye(len(texts), 64, dtype=np.float32)[:, :64]


class FaintEncoder:
    """Every two different texts ``alike`` alike: a weak kinship, as "grain" ~ "tahılı" (0.24)."""

    def __init__(self, alike=0.3):
        self.alike = alike

    def encode_queries(self, texts):
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        vectors[:, 0] = np.sqrt(self.alike)
        own = [1 + zlib.crc32(text.encode()) % 63 for text in texts]  # one axis per text, in any call
        vectors[np.arange(len(texts)), own] = np.sqrt(1 - self.alike)
        return vectors


ARTICLE = "date 2025-10-21 Haber\n\nResmi karşılama töreni yapıldı.\n"


def test_a_synonym_is_an_alternative_only_when_the_encoder_agrees():
    document = parse_document(ARTICLE, "a.txt")
    found = restrict([["tören", "merasim"]], {}, {"töreni"})
    near = Vocabulary([document], NearEncoder(), found)
    alternatives, alien = near.match(["merasimi"])
    assert "töreni" in alternatives["merasimi"] and alien == ()
    far = Vocabulary([document], FarEncoder(), found)
    alternatives, alien = far.match(["merasimi"])
    assert "merasimi" not in alternatives and alien == ("merasimi",)


def test_a_describing_word_is_kept_only_for_one_thing():
    synsets = [["uranyum"], ["petrol"], ["tahıl"]]
    broader = {0: ["radioactive", "element"], 1: ["element", "fuel"], 2: ["cereal"]}
    found = restrict(synsets, {}, {"uranyum", "petrolü", "petrolünün", "tahılı"}, broader)
    assert lexicon.describes(found, "radioactive") == ["uranyum"]
    assert lexicon.describes(found, "fuel") == ["petrolü", "petrolünün"]  # one word, two inflections
    assert lexicon.describes(found, "element") == []  # describes two things: says nothing


def test_a_word_that_describes_a_corpus_word_stands_for_it():
    document = parse_document("date 2025-10-21 Haber\n\nUranyum sevkiyatı yapıldı.\n", "a.txt")
    found = restrict([["uranyum"]], {}, {"uranyum"}, {0: ["radioactive"]})
    alternatives, alien = Vocabulary([document], FaintEncoder(0.5), found).match(["radioactive"], foreign=True)
    assert alternatives["radioactive"] == ["uranyum"] and "radioactive" not in alien
    _, alien = Vocabulary([document], FaintEncoder(0.0), found).match(["radioactive"], foreign=True)
    assert alien == ("radioactive",)


def test_a_sole_reading_needs_less_agreement_than_one_of_several():
    document = parse_document(ARTICLE, "a.txt")
    sole = restrict([["tören", "merasim"]], {}, {"töreni"})
    alternatives, alien = Vocabulary([document], FaintEncoder(), sole).match(["merasimi"])
    assert "töreni" in alternatives["merasimi"] and alien == ()
    several = restrict([["tören", "merasim"], ["resmi", "merasim"]], {}, {"töreni", "resmi"})
    alternatives, alien = Vocabulary([document], FaintEncoder(), several).match(["merasimi"])
    assert alien == ("merasimi",)


@pytest.mark.slow
@pytest.mark.skipif(lexicon.source() is None, reason="NlpToolkit-WordNet is not installed")
def test_kenet_translates_and_paraphrases_the_seed_words():
    words = {"töreni", "sevkiyatı", "kısıtlamalarını", "konseyinin", "trafo", "halklar", "uranyum"}
    reach = lexicon.corpus_reacher(words)
    synsets, english, broader = lexicon.read_wordnet(keep=lambda literals: any(reach(w) for w in literals))
    found = restrict(synsets, english, words, broader)
    # Hypernyms and definitions describe a word: uranium is "a ... radioactive metallic element".
    assert lexicon.describes(found, "radioactive") == ["uranyum"]
    assert lexicon.describes(found, "metal") == ["uranyum"]
    assert "töreni" in lookup(found, "merasimi", foreign=False)
    assert "sevkiyatı" in lookup(found, "shipment", foreign=True)
    assert "kısıtlamalarını" in lookup(found, "restrictions", foreign=True)
    assert "trafo" in lookup(found, "transformers", foreign=True)


def test_the_encoders_closest_word_counts_when_it_beats_the_lexicons():
    document = parse_document("date 2025-10-21 Haber\n\n15 anlaşma ve ticaret konuşuldu.\n", "a.txt")
    found = {"en": {"deal": ["ticaret"]}, "tr": {}}

    class Encoder:
        """"deals" is 0.58 like "anlaşma", 0.54 like "ticaret"."""

        def encode_queries(self, texts):
            table = {"deals": [0.58, 0.54, 0.5], "Deals": [0.0, 0.0, 0.1], "anlaşma": [1, 0, 0], "ticaret": [0, 1, 0]}
            return np.array([table.get(t, [0, 0, 1]) for t in texts], dtype=np.float32)

    alternatives, _ = Vocabulary([document], Encoder(), found).match(["deals"], foreign=True)
    assert alternatives["deals"][:2] == ["anlaşma", "ticaret"]


def test_the_glossary_file_parses_and_its_entries_are_dictionary_forms(tmp_path):
    entries = lexicon.read_glossary()
    assert len(entries) > 100
    assert ("en", "exchange", ["alışveriş", "değişim", "mübadele"]) in entries
    assert ("tr", "antlaşma", ["anlaşma"]) in entries
    # General vocabulary only: no capital standing for its country, no thing named by another.
    assert not [e for e in entries if e[1] in {"astana", "bakü", "moskova"}]
    assert ("en", "nuclear", ["nükleer", "atom"]) in entries
    assert {language for language, _, _ in entries} == {"en", "tr"}
    path = tmp_path / "glossary.tsv"
    path.write_text("# a comment\n\nen\tTreaty\tanlaşma; antlaşma\n", encoding="utf-8")
    assert lexicon.read_glossary(path) == [("en", "treaty", ["anlaşma", "antlaşma"])]


def test_the_glossary_keeps_the_entries_that_reach_the_corpus():
    entries = [("en", "exchange", ["alışveriş"]), ("en", "transformer", ["trafo"]), ("tr", "müzakere", ["görüşme"]),
               ("en", "shipyard", ["tersane"])]
    found = lexicon.restrict_glossary(entries, {"alışverişinde", "trafo", "görüşme"})
    assert lexicon.glossed(found, "exchanged", foreign=True) == ["alışverişinde"]  # by the English stem
    assert lexicon.glossed(found, "müzakere", foreign=False) == ["görüşme"]
    assert lexicon.glossed(found, "müzakerelerde", foreign=False) == ["görüşme"]  # a suffixed Turkish word
    assert lexicon.glossed(found, "shipyard", foreign=True) == []  # "tersane" is not in the corpus
    assert lexicon.glossed(found, "muzakere", foreign=False) == ["görüşme"]  # typed without Turkish letters
    shared = lexicon.restrict_glossary([("tr", "paylaş", ["ortak"])], {"ortak"})
    assert lexicon.glossed(shared, "paylaştığının", foreign=False) == ["ortak"]  # seven suffix letters


def test_a_glossary_word_stands_for_its_corpus_word_without_the_encoders_agreement():
    document = parse_document("date 2025-10-21 Haber\n\nOrtak trafo üretimi ve Trans Hazar hattı.\n", "a.txt")
    found = lexicon.restrict_glossary([("en", "transformer", ["trafo"])], {"trafo"})
    alternatives, alien = Vocabulary([document], FarEncoder(), found).match(["transformers"], foreign=True)
    # "transformers" begins like "Trans Hazar", yet the glossary says what it is.
    assert alternatives == {"transformers": ["trafo"]} and alien == ()
    alternatives, _ = Vocabulary([document], FarEncoder(), {}).match(["transformers"], foreign=True)
    assert alternatives == {}


def test_what_the_glossary_gives_replaces_the_encoders_guesses():
    document = parse_document("date 2025-10-21 Haber\n\nBugünkü görüşmeler ve gündemdeki konular.\n", "a.txt")
    found = lexicon.restrict_glossary([("en", "today", ["bugün"])], {"bugünkü", "gündemdeki"})
    alternatives, _ = Vocabulary([document], NearEncoder(), found).match(["today"], foreign=True)
    assert alternatives == {"today": ["bugünkü"]}


def test_the_vocabulary_knows_which_words_are_written_lower_case():
    text = "date 2025-10-21 Haber\n\nResmi tören yapıldı. Tören resmi değildi; Ankara'da.\n"
    document = parse_document(text, "a.txt")
    lowercase = Vocabulary([document], NearEncoder(), {}).lowercase
    assert {"resmi", "tören", "yapıldı"} <= lowercase  # "Resmi" opens a sentence but is a common word
    assert "ankara" not in lowercase and "Ankara" not in lowercase
