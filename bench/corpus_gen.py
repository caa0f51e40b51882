"""A deterministic generator of Turkish news-like articles, for scale benchmarks.

Writes articles in the seed format (``date YYYY-MM-DD <title>`` on the first line, then section
headings and paragraphs separated by blank lines) into ``<out>/articles/<bucket>/<id>.txt`` (the corpus
to index is ``<out>/articles``) as it goes, so
memory stays bounded (only a set of 64-bit sentence hashes grows: about 70 MB at a million
sentences). Sentences come from some sixty templates filled from word lists (cities, institutions,
ministries, sectors, people, units: yüzde, milyon lira, kilometre, ton, megavat ...), past and
future tenses and quoted statements; every article is about a topic entity of its own (a coined
name + a kind: "Velnara Limanı"), and people and company names are coined from syllables, so the
vocabulary grows with the corpus as a real archive's does. No two sentences are the same (checked
with a set; a colliding sentence is drawn again).

For a sample of articles it also writes ``<out>/questions.json``: questions built from one sentence's
own slots ("Velnara Limanı projesinde kaç kilometrelik demiryolu hattı döşenecek?"), each with the
exact text of its answer sentence and the file it is in, so a benchmark can measure hit@1.

    python bench/corpus_gen.py --sentences 20000 --out /tmp/corpus-20000   # prints a JSON summary
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

FORMAT = 2  # bump when the generated text or layout changes: cached corpora are regenerated
ARTICLES = "articles"  # the sub-folder holding the articles; the JSON files sit beside it, out of the corpus
PER_BUCKET = 500  # articles per sub-folder

CITIES = """Adana Adıyaman Afyonkarahisar Ağrı Aksaray Amasya Ankara Antalya Ardahan Artvin Aydın Balıkesir Bartın
Batman Bayburt Bilecik Bingöl Bitlis Bolu Burdur Bursa Çanakkale Çankırı Çorum Denizli Diyarbakır Düzce Edirne
Elazığ Erzincan Erzurum Eskişehir Gaziantep Giresun Gümüşhane Hakkari Hatay Iğdır Isparta İstanbul İzmir
Kahramanmaraş Karabük Karaman Kars Kastamonu Kayseri Kilis Kırıkkale Kırklareli Kırşehir Kocaeli Konya Kütahya
Malatya Manisa Mardin Mersin Muğla Muş Nevşehir Niğde Ordu Osmaniye Rize Sakarya Samsun Siirt Sinop Sivas
Şanlıurfa Şırnak Tekirdağ Tokat Trabzon Tunceli Uşak Van Yalova Yozgat Zonguldak""".split()
COUNTRIES = """Azerbaycan Kazakistan Özbekistan Gürcistan Almanya Fransa İtalya İspanya Japonya Kore Mısır Katar
Brezilya Meksika Polonya Macaristan Romanya Bulgaristan Yunanistan Hollanda Belçika Kanada Hindistan Endonezya
Malezya Nijerya Kenya Tunus Fas Ukrayna""".split()
MINISTRIES = ["Enerji ve Tabii Kaynaklar Bakanlığı", "Ulaştırma ve Altyapı Bakanlığı", "Sanayi ve Teknoloji Bakanlığı",
              "Tarım ve Orman Bakanlığı", "Sağlık Bakanlığı", "Milli Eğitim Bakanlığı", "Ticaret Bakanlığı",
              "Çevre, Şehircilik ve İklim Değişikliği Bakanlığı", "Hazine ve Maliye Bakanlığı",
              "Kültür ve Turizm Bakanlığı",
              "Aile ve Sosyal Hizmetler Bakanlığı", "Gençlik ve Spor Bakanlığı", "Çalışma ve Sosyal Güvenlik Bakanlığı"]
INSTITUTIONS = ["Türkiye İstatistik Kurumu", "Merkez Bankası", "Kalkınma Ajansı", "Ticaret Odası", "Sanayi Odası",
                "Devlet Su İşleri", "Karayolları Genel Müdürlüğü", "Afet ve Acil Durum Yönetimi Başkanlığı",
                "Yatırım Ofisi", "Organize Sanayi Bölgesi Müdürlüğü", "Büyükşehir Belediyesi", "Valilik",
                "İhracatçılar Birliği", "Tarım Kredi Kooperatifi", "Teknoloji Geliştirme Bölgesi",
                "Üniversite Rektörlüğü"]
SECTORS = ["enerji", "lojistik", "tekstil", "otomotiv", "tarım", "turizm", "savunma", "yazılım", "gıda", "inşaat",
           "madencilik", "kimya", "ilaç", "mobilya", "seramik", "demir çelik", "elektronik", "denizcilik",
           "hayvancılık", "su ürünleri", "yenilenebilir enerji", "perakende", "telekomünikasyon", "eğitim",
           "sağlık turizmi"]
KINDS = ["Limanı", "Barajı", "Köprüsü", "Havalimanı", "Tüneli", "Rüzgar Santrali", "Güneş Enerjisi Santrali",
         "Sanayi Bölgesi", "Lojistik Merkezi", "Teknoparkı", "Şehir Hastanesi", "Kongre Merkezi", "Raylı Sistem Hattı",
         "Tarım Havzası", "Kültür Merkezi", "Arıtma Tesisi", "Maden Sahası", "Kentsel Dönüşüm Projesi", "Festivali",
         "Yazılım Kampüsü"]
TITLES = ["Bakan", "Vali", "Belediye Başkanı", "Genel Müdür", "Proje Koordinatörü", "Yönetim Kurulu Başkanı",
          "Oda Başkanı", "Rektör", "Milletvekili", "Kaymakam", "Bölge Müdürü", "Ekonomist", "Şirket Sözcüsü"]
FIRST = """Ahmet Mehmet Ayşe Fatma Mustafa Zeynep Elif Emre Burak Can Deniz Ece Selin Murat Hakan Kerem Cem Derya
Gökhan Serkan Tolga Leyla Nihan Oya Pınar Sibel Tuba Umut Volkan Yasemin Orhan Kemal Halil Hülya Nur Levent Tarık
Berk Aslı Ebru Gizem Kaan Onur Ozan Sinan Seda Tuncay Yavuz Zafer Meltem Neslihan İlker İpek Şule Şahin Özge Çağla
Doğan Erdem Ferhat Gülşen Hande Irmak Koray Mert Nazlı Okan Reşat Sevgi Taylan Ülkü Yiğit""".split()
SYLLABLES = """ka ra ta na la ma sa ya da ba ve le ne me se te re ki li mi ni si ti ri ko lo mo no so to ro ku lu
mu nu su tu ru kan lan tan man san ran dar var sel ten ler mer der ker bay ay oz ul ar en in on un er il ol""".split()
ENDINGS = ["oğlu", "er", "türk", "soy", "kaya", "han", "can", "taş", "demir", "tekin", "gül", "yıldız", "ay", "öz"]
COMPANY = ["Holding", "Enerji", "Lojistik", "Yapı", "Teknoloji", "Gıda", "Tekstil", "Madencilik", "Otomotiv",
           "Denizcilik", "Yazılım", "Tarım"]
MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"]
SAID = ["dedi", "diye konuştu", "ifadelerini kullandı", "değerlendirmesinde bulundu", "diye ekledi"]
TOLD = ["açıkladı", "bildirdi", "duyurdu", "aktardı", "kaydetti", "belirtti"]
REASONS = ["artan talep", "yükselen maliyetler", "kuraklık", "ihracattaki artış", "yeni teşvikler",
           "kur dalgalanmaları", "nüfus artışı", "altyapı eksikleri", "enerji fiyatları", "yoğun kış koşulları"]
TITLE_WORDS = ["yeni adım", "kritik karar", "çalışmalar hızlandı", "takvim belli oldu", "yatırım onaylandı"]
CROPS = ["buğday", "arpa", "mısır", "pamuk", "ayçiçeği", "fındık", "zeytin", "kayısı", "çay", "şeker pancarı"]
HEADINGS = ["Projenin ayrıntıları", "Bütçe ve finansman", "Bölgesel etkiler", "Yetkililerin açıklamaları",
            "Takvim ve hedefler", "Sektörden tepkiler", "Çevresel değerlendirme", "İstihdam ve yatırım",
            "Ulaşım bağlantıları", "Uluslararası işbirliği", "Eleştiriler ve itirazlar", "Sonraki adımlar"]


class Slots:
    """The random fillers of one article: its topic entity, city, people and companies."""

    def __init__(self, rng: random.Random, entity: str, city: str, year: int):
        self.rng, self.entity, self.city, self.year = rng, entity, city, year
        self.people = [self.new_person() for _ in range(4)]
        self.companies = [f"{coined(rng)} {rng.choice(COMPANY)}" for _ in range(3)]
        self.ministry = rng.choice(MINISTRIES)

    def new_person(self) -> str:
        rng = self.rng
        surname = coined(rng, 2).capitalize() + rng.choice(ENDINGS)
        return f"{rng.choice(TITLES)} {rng.choice(FIRST)} {surname}"

    def person(self) -> str:
        return self.rng.choice(self.people)

    def name_only(self, person: str) -> str:
        return person.split()[-1]

    def num(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def dec(self, low: float, high: float) -> str:
        return f"{self.rng.uniform(low, high):.1f}".replace(".", ",")

    def date(self) -> str:
        return f"{self.rng.randint(1, 28)} {self.rng.choice(MONTHS)}"

    def other_city(self) -> str:
        city = self.rng.choice(CITIES)
        return city if city != self.city else self.rng.choice(CITIES)


def coined(rng: random.Random, parts: int | None = None) -> str:
    """A made-up proper name from syllables: "Velnara", "Korusan"."""
    return "".join(rng.choice(SYLLABLES) for _ in range(parts or rng.randint(2, 3))).capitalize()


def genitive(word: str) -> str:
    """Turkish genitive suffix after an apostrophe, by vowel harmony (good enough for news prose)."""
    vowels = [c for c in word.lower() if c in "aeıioöuü"]
    last = vowels[-1] if vowels else "e"
    vowel = {"a": "ı", "ı": "ı", "e": "i", "i": "i", "o": "u", "u": "u", "ö": "ü", "ü": "ü"}[last]
    return f"{word}'{'n' if word[-1].lower() in 'aeıioöuü' else ''}{vowel}n"


# A template returns (sentence, question or None). Questions name the article's entity and the
# sentence's own words, and ask for one of its slots.
Template = Callable[[Slots], tuple[str, str | None]]


def _t_rail(s: Slots):
    km = s.num(12, 480)
    return (f"{s.entity} kapsamında {s.city} ile {s.other_city()} arasında {km} kilometrelik yeni bir demiryolu "
            f"hattı döşenecek.", f"{s.entity} kapsamında kaç kilometrelik demiryolu hattı döşenecek?")


def _t_budget(s: Slots):
    amount, pct = s.num(40, 9000), s.num(3, 85)
    return (f"{s.entity} için ayrılan bütçe geçen yıl yüzde {pct} artarak {amount} milyon liraya ulaştı.",
            f"{s.entity} için ayrılan bütçe kaç milyon liraya ulaştı?")


def _t_jobs(s: Slots):
    jobs = s.num(150, 25000)
    return (f"{s.person()}, {s.entity} tamamlandığında bölgede {jobs} kişiye doğrudan istihdam sağlanacağını "
            f"{s.rng.choice(TOLD)}.", f"{s.entity} tamamlandığında kaç kişiye istihdam sağlanacak?")


def _t_capacity(s: Slots):
    mw = s.num(20, 2400)
    return (f"{s.entity} devreye girdiğinde yıllık {mw} megavat kurulu güce ulaşacak ve {s.num(50, 900)} bin "
            f"konutun elektrik ihtiyacını karşılayacak.", f"{s.entity} kaç megavat kurulu güce ulaşacak?")


def _t_cargo(s: Slots):
    tons = s.dec(0.5, 45)
    return (f"{s.entity} üzerinden geçen yıl {tons} milyon ton yük taşındığı ve bu miktarın {s.year + 2} yılına "
            f"kadar ikiye katlanmasının hedeflendiği bildirildi.",
            f"{s.entity} üzerinden geçen yıl ne kadar yük taşındı?")


def _t_opening(s: Slots):
    date = s.date()
    return (f"{s.entity} resmi açılış töreninin {date} tarihinde {s.person()} katılımıyla yapılması planlanıyor.",
            f"{s.entity} açılış töreni ne zaman yapılacak?")


def _t_contract(s: Slots):
    company = s.rng.choice(s.companies)
    return (f"{s.entity} ihalesini {s.num(2, 14)} teklif arasından {company} kazandı ve sözleşme {s.date()} "
            f"günü imzalandı.", f"{s.entity} ihalesini hangi şirket kazandı?")


def _t_cost(s: Slots):
    bn = s.dec(1, 95)
    return (f"{s.ministry} verilerine göre {s.entity} projesinin toplam maliyeti {bn} milyar lira olarak "
            f"hesaplandı.", f"{s.entity} projesinin toplam maliyeti ne kadar?")


def _t_area(s: Slots):
    area = s.num(3, 900)
    return (f"{s.entity} {s.city} sınırları içinde {area} bin metrekarelik bir alana kurulacak.",
            f"{s.entity} kaç bin metrekarelik alana kurulacak?")


def _t_visitors(s: Slots):
    visitors = s.num(12, 4800)
    return (f"Yetkililer, {s.entity} alanını bu yılın ilk {s.num(2, 11)} ayında {visitors} bin kişinin "
            f"ziyaret ettiğini açıkladı.", f"{s.entity} alanını bu yıl kaç bin kişi ziyaret etti?")


def _t_exports(s: Slots):
    usd = s.num(15, 3200)
    return (f"{s.entity} sayesinde {s.city} çıkışlı {s.rng.choice(SECTORS)} ihracatının yıllık {usd} milyon "
            f"dolar artması bekleniyor.", f"{s.entity} sayesinde ihracatın yıllık ne kadar artması bekleniyor?")


def _t_leader(s: Slots):
    person = s.person()
    return (f"{s.entity} çalışmalarını yürüten ekibin başında {person} bulunuyor.",
            f"{s.entity} çalışmalarını yürüten ekibin başında kim bulunuyor?")


def _t_duration(s: Slots):
    months = s.num(6, 60)
    return (f"{s.entity} inşaatının {months} ay sürmesi ve {s.year + months // 12 + 1} yılında tamamlanması "
            f"öngörülüyor.", f"{s.entity} inşaatının kaç ay sürmesi öngörülüyor?")


def _t_water(s: Slots):
    m3 = s.num(5, 2500)
    return (f"{s.entity} yılda {m3} milyon metreküp su depolayarak {s.num(2, 90)} bin dekar tarım arazisini "
            f"sulayacak.", f"{s.entity} yılda kaç milyon metreküp su depolayacak?")


def _t_partner(s: Slots):
    country = s.rng.choice(COUNTRIES)
    return (f"{s.entity} için {country} ile imzalanan işbirliği anlaşması {s.num(5, 30)} yıllık bir süreyi kapsıyor.",
            f"{s.entity} için hangi ülkeyle işbirliği anlaşması imzalandı?")


def _t_quote_goal(s: Slots):
    person = s.person()
    pct = s.num(5, 60)
    return (f"{s.name_only(person)}, \"{s.entity} ile bölgedeki {s.rng.choice(SECTORS)} üretimini yüzde {pct} "
            f"artırmayı hedefliyoruz.\" {s.rng.choice(SAID)}.",
            f"{s.entity} ile üretimin yüzde kaç artırılması hedefleniyor?")


def _t_delay(s: Slots):
    reason = s.rng.choice(REASONS)
    return (f"{s.entity} çalışmalarının {reason} nedeniyle {s.num(2, 14)} ay gecikmeli ilerlediği belirtildi.",
            f"{s.entity} çalışmaları neden gecikmeli ilerliyor?")


def _t_trucks(s: Slots):
    daily = s.num(300, 18000)
    return (f"{s.entity} açıldıktan sonra günde ortalama {daily} aracın bu güzergahı kullanacağı tahmin ediliyor.",
            f"{s.entity} açıldıktan sonra günde kaç araç güzergahı kullanacak?")


def _t_students(s: Slots):
    n = s.num(200, 12000)
    return (f"{s.entity} bünyesinde açılacak eğitim programlarından her yıl {n} öğrencinin yararlanması planlanıyor.",
            f"{s.entity} eğitim programlarından her yıl kaç öğrenci yararlanacak?")


# Context sentences: no question, but the same kind of vocabulary, so retrieval must discriminate.
def _c_stats(s: Slots):
    return (f"{s.rng.choice(INSTITUTIONS)} verilerine göre {s.city} ilinde {s.rng.choice(SECTORS)} sektöründe "
            f"üretim {s.dec(0.5, 30)} oranında {s.rng.choice(['arttı', 'geriledi', 'yatay seyretti'])}.", None)


def _c_meeting(s: Slots):
    return (f"{s.person()}, {s.date()} günü {s.other_city()} ilinde {s.rng.choice(SECTORS)} temsilcileriyle "
            f"bir araya gelerek {s.num(2, 40)} maddelik eylem planını görüştü.", None)


def _c_quote(s: Slots):
    person = s.person()
    return (f"{s.name_only(person)}, \"{s.city} için {s.rng.choice(SECTORS)} alanında {s.num(2, 30)} yeni yatırım "
            f"daha gelecek.\" {s.rng.choice(SAID)}.", None)


def _c_quote2(s: Slots):
    return (f"\"{s.rng.choice(REASONS).capitalize()} bizi yeni çözümler bulmaya zorluyor.\" diyen "
            f"{s.person()}, {s.num(2, 25)} farklı seçeneğin değerlendirildiğini söyledi.", None)


def _c_weather(s: Slots):
    return (f"{s.city} ve çevresinde son {s.num(2, 30)} günde yağış miktarı metrekareye {s.num(3, 180)} kilogram "
            f"oldu.", None)


def _c_market(s: Slots):
    return (f"{s.rng.choice(s.companies)} hisseleri {s.date()} günü yüzde {s.dec(0.2, 9.9)} "
            f"{s.rng.choice(['yükseldi', 'düştü'])} ve işlem hacmi {s.num(10, 990)} milyon liraya çıktı.", None)


def _c_company(s: Slots):
    return (f"{s.rng.choice(s.companies)}, {s.city} fabrikasında {s.num(20, 2500)} kişi çalıştırdığını ve "
            f"{s.year + s.num(1, 4)} yılına kadar kapasitesini artıracağını {s.rng.choice(TOLD)}.", None)


def _c_transport(s: Slots):
    return (f"{s.other_city()} ile {s.city} arasındaki karayolunun {s.num(5, 200)} kilometrelik bölümünde "
            f"bakım çalışmaları {s.date()} tarihine kadar sürecek.", None)


def _c_tourism(s: Slots):
    return (f"Kentte geçen yıl {s.num(20, 9000)} bin yabancı turist ağırlandı, otellerde doluluk oranı yüzde "
            f"{s.num(30, 98)} seviyesinde gerçekleşti.", None)


def _c_ministry(s: Slots):
    return (f"{s.rng.choice(MINISTRIES)}, {s.rng.choice(SECTORS)} alanında {s.num(2, 90)} projeye toplam "
            f"{s.num(5, 900)} milyon lira hibe desteği verileceğini {s.rng.choice(TOLD)}.", None)


def _c_agri(s: Slots):
    return (f"{s.city} ovasında bu sezon {s.num(2, 900)} bin ton {s.rng.choice(CROPS)} hasadı bekleniyor.", None)


def _c_council(s: Slots):
    return (f"{s.city} Belediye Meclisi, {s.num(3, 60)} gündem maddesini görüştüğü toplantıda "
            f"{s.rng.choice(SECTORS)} yatırımlarına ilişkin kararı oy birliğiyle kabul etti.", None)


def _c_survey(s: Slots):
    return (f"{s.num(300, 5000)} kişiyle yapılan ankete göre kent sakinlerinin yüzde {s.num(20, 90)} kadarı "
            f"{s.entity} projesini destekliyor.", None)


def _c_env(s: Slots):
    return (f"Çevre örgütleri, {s.entity} nedeniyle {s.num(2, 400)} hektarlık ormanlık alanın zarar "
            f"görebileceği uyarısında bulundu.", None)


def _c_history(s: Slots):
    return (f"{s.entity} fikri ilk kez {s.year - s.num(2, 25)} yılında {s.rng.choice(INSTITUTIONS)} tarafından "
            f"gündeme getirilmişti.", None)


def _c_inflation(s: Slots):
    return (f"{s.rng.choice(INSTITUTIONS)}, {s.rng.choice(MONTHS)} ayında {s.city} genelinde {s.rng.choice(SECTORS)} "
            f"fiyatlarının yüzde {s.dec(0.5, 12)} arttığını {s.rng.choice(TOLD)}.", None)


def _c_followup(s: Slots):
    return (f"Bu gelişme, {s.entity} çevresinde {s.rng.choice(SECTORS)} sektöründe faaliyet gösteren "
            f"{s.num(5, 400)} firmayı doğrudan etkileyecek.", None)


def _c_new_person(s: Slots):
    person = s.new_person()
    s.people.append(person)
    return (f"Toplantıya katılan {person}, {s.city} için {s.rng.choice(SECTORS)} alanında {s.num(2, 30)} ayrı "
            f"çalışma grubu kurulduğunu {s.rng.choice(TOLD)}.", None)


def _c_future(s: Slots):
    return (f"{s.rng.choice(s.companies)}, önümüzdeki {s.num(2, 10)} yıl içinde {s.other_city()} ilinde "
            f"{s.num(50, 3000)} kişilik yeni bir {s.rng.choice(SECTORS)} tesisi açacak.", None)


def _c_energy(s: Slots):
    return (f"{s.city} ilinin elektrik tüketimi {s.rng.choice(MONTHS)} ayında {s.num(50, 3000)} gigavatsaat "
            f"olarak ölçüldü.", None)


def _c_port(s: Slots):
    return (f"{s.other_city()} limanında elleçlenen konteyner sayısı {s.num(10, 900)} bin TEU ile "
            f"son {s.num(2, 15)} yılın en yüksek seviyesine çıktı.", None)


QUESTION_TEMPLATES: list[Template] = [
    _t_rail, _t_budget, _t_jobs, _t_capacity, _t_cargo, _t_opening, _t_contract, _t_cost, _t_area, _t_visitors,
    _t_exports, _t_leader, _t_duration, _t_water, _t_partner, _t_quote_goal, _t_delay, _t_trucks, _t_students,
]
CONTEXT_TEMPLATES: list[Template] = [
    _c_stats, _c_meeting, _c_quote, _c_quote2, _c_weather, _c_market, _c_company, _c_transport, _c_tourism,
    _c_ministry, _c_agri, _c_council, _c_survey, _c_env, _c_history, _c_inflation, _c_followup, _c_new_person,
    _c_future, _c_energy, _c_port,
]


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def generate(out: Path, sentences: int, seed: int = 0, questions: int = 200, progress: bool = True) -> dict:
    """Write articles holding exactly ``sentences`` body sentences under ``out/articles`` (questions.json
    beside it) and return the summary (also written as ``out/corpus.json``)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    seen: set[int] = set()
    entities: set[str] = set()
    articles: list[int] = []  # sentences per article, planned up front (cheap: ~25k ints at 1M)
    left = sentences
    while left > 0:
        n = min(rng.randint(35, 45), left)
        articles.append(n)
        left -= n
    sample = set(rng.sample(range(len(articles)), min(questions, len(articles))))
    asked: list[dict] = []
    collisions = 0
    started = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=sentences, desc="generating sentences", unit="sent", file=sys.stderr, mininterval=0.5)
    for number, count in enumerate(articles):
        while True:  # a topic entity no other article has
            entity = f"{coined(rng)} {rng.choice(KINDS)}"
            if entity not in entities:
                entities.add(entity)
                break
        year = rng.randint(2015, 2025)
        slots = Slots(rng, entity, rng.choice(CITIES), year)
        # Each question template at most once per article, so its question has one answer sentence.
        pool = rng.sample(QUESTION_TEMPLATES, rng.randint(6, 10))
        plan = pool + [rng.choice(CONTEXT_TEMPLATES) for _ in range(max(count - len(pool), 0))]
        plan = plan[:count]
        rng.shuffle(plan)
        body: list[tuple[str, str | None]] = []
        for template in plan:
            for _ in range(50):
                text, question = template(slots)
                key = _digest(text)
                if key not in seen:
                    break
                collisions += 1
            else:
                raise RuntimeError(f"cannot draw a new sentence from {template.__name__}; add word lists")
            seen.add(key)
            body.append((text, question))
        title = f"{entity} için {rng.choice(TITLE_WORDS)}"
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lines = [f"date {date} {title}", ""]
        headings = rng.sample(HEADINGS, 6)
        i, paragraph = 0, 0
        while i < len(body):
            size = rng.randint(4, 8)
            if paragraph % 2 == 0 and paragraph // 2 < len(headings):
                lines += [headings[paragraph // 2], ""]
            lines += [" ".join(t for t, _ in body[i:i + size]), ""]
            i += size
            paragraph += 1
        name = f"{number:07d}-{_slug(entity)}.txt"
        path = out / ARTICLES / f"{number // PER_BUCKET:04d}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        if number in sample:
            choices = [(t, q) for t, q in body if q]
            if choices:
                text, question = rng.choice(choices)
                asked.append({"question": question, "sentence": text, "source": str(path.resolve()),
                              "entity": entity})
        if bar is not None:
            bar.update(count)
    if bar is not None:
        bar.close()
    summary = {"format": FORMAT, "corpus": str((out / ARTICLES).resolve()), "seed": seed,
               "sentences": sentences, "articles": len(articles),
               "questions": len(asked), "collisions_redrawn": collisions,
               "seconds": round(time.perf_counter() - started, 2)}
    (out / "questions.json").write_text(json.dumps(asked, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "corpus.json").write_text(json.dumps(summary), encoding="utf-8")
    return summary


def _slug(text: str) -> str:
    table = str.maketrans("çğıöşüÇĞİÖŞÜ ", "cgiosuCGIOSU-")
    return text.translate(table).lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, required=True, help="body sentences in all (titles come on top)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the articles into (created)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0): same seed, same corpus")
    parser.add_argument("--questions", type=int, default=200, help="articles to write a question for (default 200)")
    args = parser.parse_args(argv)
    if args.sentences < 1:
        parser.error("--sentences must be at least 1")
    print(json.dumps(generate(args.out, args.sentences, args.seed, args.questions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
