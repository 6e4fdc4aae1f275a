"""Peers of the studio's identifier, measured on the same SIB-200 dev sentences as
`cargo run --release -p polytune-langid --example langid_eval` (see langid/bench/run.sh):
fastText lid.176 through the C++ fastText (PyPI fasttext-predict) and lingua (PyPI
lingua-language-detector, high-accuracy mode, every language it has).

    python peers.py SHARED_DATA LID176_FTZ
"""
import os
import sys
import time

THE_24 = "amh_Ethi arb_Arab ben_Beng deu_Latn eng_Latn eus_Latn fin_Latn fra_Latn hin_Deva ind_Latn jpn_Jpan kaz_Cyrl kor_Hang ltz_Latn quy_Latn rus_Cyrl spa_Latn swh_Latn tel_Telu tha_Thai tur_Latn vie_Latn yor_Latn zho_Hans".split()


def dev(root):
    out = []
    for lang in sorted(os.listdir(root)):
        rows = open(f"{root}/{lang}/dev.tsv", encoding="utf-8").read().splitlines()[1:]
        out.extend((lang, r.split("\t", 2)[2][:256]) for r in rows)
    return out


def report(name, data, predict):
    t = time.perf_counter()
    got = [predict(text) for _, text in data]
    secs = time.perf_counter() - t
    ok = sum(g == lang for (lang, _), g in zip(data, got))
    sub = [(lang, g) for (lang, _), g in zip(data, got) if lang in THE_24]
    ok24 = sum(g == lang for lang, g in sub)
    print(f"| {name} | {100 * ok / len(data):.2f}% | {100 * ok24 / len(sub):.2f}% | {len(data) / secs:,.0f} |")


def main():
    data = dev(os.path.join(sys.argv[1], "labeled/sib200"))
    print("| peer (Python binding, one thread) | exact label, 205 languages | exact label, the 24 | texts/s |")
    print("|---|---:|---:|---:|")
    import fasttext
    m = fasttext.load_model(sys.argv[2])
    # lid.176 labels are ISO 639-1/3 codes; the studio maps them to FLORES labels the same way
    # (api::lang::flores); here a fixed map for the 24 is enough, others count as misses.
    iso = {"am": "amh_Ethi", "ar": "arb_Arab", "bn": "ben_Beng", "de": "deu_Latn", "en": "eng_Latn", "eu": "eus_Latn",
           "fi": "fin_Latn", "fr": "fra_Latn", "hi": "hin_Deva", "id": "ind_Latn", "ja": "jpn_Jpan", "kk": "kaz_Cyrl",
           "ko": "kor_Hang", "lb": "ltz_Latn", "qu": "quy_Latn", "ru": "rus_Cyrl", "es": "spa_Latn", "sw": "swh_Latn",
           "te": "tel_Telu", "th": "tha_Thai", "tr": "tur_Latn", "vi": "vie_Latn", "yo": "yor_Latn", "zh": "zho_Hans"}
    report("fastText lid.176 (C++, fasttext-predict)", data,
           lambda t: iso.get(m.f.predict(t.replace("\n", " ") + "\n", 1, 0.0, "strict")[0][1][9:], "other"))
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        print("lingua is not installed: skipped")
        return
    det = LanguageDetectorBuilder.from_all_languages().build()
    names = {"AMHARIC": "amh_Ethi", "ARABIC": "arb_Arab", "BENGALI": "ben_Beng", "GERMAN": "deu_Latn", "ENGLISH": "eng_Latn",
             "BASQUE": "eus_Latn", "FINNISH": "fin_Latn", "FRENCH": "fra_Latn", "HINDI": "hin_Deva", "INDONESIAN": "ind_Latn",
             "JAPANESE": "jpn_Jpan", "KAZAKH": "kaz_Cyrl", "KOREAN": "kor_Hang", "RUSSIAN": "rus_Cyrl", "SPANISH": "spa_Latn",
             "SWAHILI": "swh_Latn", "TELUGU": "tel_Telu", "THAI": "tha_Thai", "TURKISH": "tur_Latn", "VIETNAMESE": "vie_Latn",
             "YORUBA": "yor_Latn", "CHINESE": "zho_Hans"}
    sub = [(lang, text) for lang, text in data if lang in THE_24]

    def lingua(t):
        r = det.detect_language_of(t)
        return names.get(r.name, "other") if r else "und"

    report("lingua (high accuracy; the 24 only)", sub, lingua)


if __name__ == "__main__":
    main()
