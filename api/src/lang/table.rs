//! The language table: every language the studio names (each SIB-200 / FLORES-200 language
//! among them) and the names public datasets use for some of them.

use super::Language;

macro_rules! languages {
    ($( $code:literal $iso1:tt $english:literal $native:literal $script:literal $flores:literal [$($alias:literal),*] ;)*) => {
        /// Every language the studio names.
        pub const LANGUAGES: &[Language] = &[
            $( Language { code: $code, iso1: languages!(@iso1 $iso1), english: $english, native: $native,
                          script: $script, flores: $flores, aliases: &[$($alias),*] }, )*
        ];
    };
    (@iso1 -) => { None };
    (@iso1 $x:literal) => { Some($x) };
}

languages! {
    "ace" -    "Acehnese" "Bahsa Acèh" "Latn" "ace_Latn" [];
    "afr" "af" "Afrikaans" "Afrikaans" "Latn" "afr_Latn" [];
    "aka" "ak" "Akan" "Akan" "Latn" "aka_Latn" ["twi"];
    "amh" "am" "Amharic" "አማርኛ" "Ethi" "amh_Ethi" [];
    "ara" "ar" "Arabic" "العربية" "Arab" "arb_Arab" ["arb", "ary", "arz", "apc", "acm", "acq", "aeb", "ajp", "ars"];
    "asm" "as" "Assamese" "অসমীয়া" "Beng" "asm_Beng" [];
    "ast" -    "Asturian" "Asturianu" "Latn" "ast_Latn" [];
    "awa" -    "Awadhi" "अवधी" "Deva" "awa_Deva" [];
    "aym" "ay" "Aymara" "Aymar aru" "Latn" "ayr_Latn" ["ayr", "ayc"];
    // South Azerbaijani (`azb`) is written in Arabic script: `azb_Arab` is `aze-Arab`.
    "aze" "az" "Azerbaijani" "Azərbaycanca" "Latn" "azj_Latn" ["azj", "azb"];
    "bak" "ba" "Bashkir" "Башҡорт теле" "Cyrl" "bak_Cyrl" [];
    "bam" "bm" "Bambara" "Bamanankan" "Latn" "bam_Latn" [];
    "ban" -    "Balinese" "Basa Bali" "Latn" "ban_Latn" [];
    "bel" "be" "Belarusian" "Беларуская" "Cyrl" "bel_Cyrl" [];
    "bem" -    "Bemba" "Ichibemba" "Latn" "bem_Latn" [];
    "ben" "bn" "Bengali" "বাংলা" "Beng" "ben_Beng" [];
    "bho" -    "Bhojpuri" "भोजपुरी" "Deva" "bho_Deva" [];
    // ISO 639-3 puts Banjar and Minangkabau under `msa`; like Indonesian they stay languages of their own.
    "bjn" -    "Banjar" "Bahasa Banjar" "Latn" "bjn_Latn" [];
    "bod" "bo" "Tibetan" "བོད་སྐད་" "Tibt" "bod_Tibt" [];
    // Bosnian, Croatian and Serbian stay apart (ISO 639-3 has them under `hbs`).
    "bos" "bs" "Bosnian" "Bosanski" "Latn" "bos_Latn" [];
    "bug" -    "Buginese" "Basa Ugi" "Latn" "bug_Latn" [];
    "bul" "bg" "Bulgarian" "Български" "Cyrl" "bul_Cyrl" [];
    "cat" "ca" "Catalan" "Català" "Latn" "cat_Latn" [];
    "ceb" -    "Cebuano" "Sinugboanon" "Latn" "ceb_Latn" [];
    "ces" "cs" "Czech" "Čeština" "Latn" "ces_Latn" [];
    "cjk" -    "Chokwe" "Chokwe" "Latn" "cjk_Latn" [];
    // ISO 639-3 puts Central Kurdish (Sorani, Arabic script) under `kur`; it is a row of its own so
    // that `ckb_Arab` and `kmr_Latn` stay two languages. `kur` is Northern Kurdish (Kurmanji).
    "ckb" -    "Central Kurdish" "کوردیی ناوەندی" "Arab" "ckb_Arab" [];
    "crh" -    "Crimean Tatar" "Qırımtatarca" "Latn" "crh_Latn" [];
    "cym" "cy" "Welsh" "Cymraeg" "Latn" "cym_Latn" [];
    "dan" "da" "Danish" "Dansk" "Latn" "dan_Latn" [];
    "deu" "de" "German" "Deutsch" "Latn" "deu_Latn" [];
    "din" -    "Dinka" "Thuɔŋjäŋ" "Latn" "dik_Latn" ["dik", "dib", "dip", "diw", "dks"];
    "dyu" -    "Dyula" "Julakan" "Latn" "dyu_Latn" [];
    "dzo" "dz" "Dzongkha" "རྫོང་ཁ" "Tibt" "dzo_Tibt" [];
    "ell" "el" "Greek" "Ελληνικά" "Grek" "ell_Grek" [];
    "eng" "en" "English" "English" "Latn" "eng_Latn" [];
    "epo" "eo" "Esperanto" "Esperanto" "Latn" "epo_Latn" [];
    "est" "et" "Estonian" "Eesti" "Latn" "est_Latn" ["ekk"];
    "eus" "eu" "Basque" "Euskara" "Latn" "eus_Latn" [];
    "ewe" "ee" "Ewe" "Eʋegbe" "Latn" "ewe_Latn" [];
    "fao" "fo" "Faroese" "Føroyskt" "Latn" "fao_Latn" [];
    "fas" "fa" "Persian" "فارسی" "Arab" "pes_Arab" ["pes", "prs"];
    "fij" "fj" "Fijian" "Na Vosa Vakaviti" "Latn" "fij_Latn" [];
    "fin" "fi" "Finnish" "Suomi" "Latn" "fin_Latn" [];
    "fon" -    "Fon" "Fɔ̀ngbè" "Latn" "fon_Latn" [];
    "fra" "fr" "French" "Français" "Latn" "fra_Latn" [];
    "ful" "ff" "Fula" "Fulfulde" "Latn" "fuv_Latn" ["fuv", "ffm", "fub", "fuc", "fue", "fuf", "fuh", "fui", "fuq"];
    "fur" -    "Friulian" "Furlan" "Latn" "fur_Latn" [];
    "gla" "gd" "Scottish Gaelic" "Gàidhlig" "Latn" "gla_Latn" [];
    "gle" "ga" "Irish" "Gaeilge" "Latn" "gle_Latn" [];
    "glg" "gl" "Galician" "Galego" "Latn" "glg_Latn" [];
    "grn" "gn" "Guarani" "Avañeʼẽ" "Latn" "grn_Latn" ["gug", "gnw", "gui", "gun", "nhd"];
    "guj" "gu" "Gujarati" "ગુજરાતી" "Gujr" "guj_Gujr" [];
    "hat" "ht" "Haitian Creole" "Kreyòl ayisyen" "Latn" "hat_Latn" [];
    "hau" "ha" "Hausa" "Hausa" "Latn" "hau_Latn" [];
    "heb" "he" "Hebrew" "עברית" "Hebr" "heb_Hebr" [];
    "hin" "hi" "Hindi" "हिन्दी" "Deva" "hin_Deva" [];
    "hne" -    "Chhattisgarhi" "छत्तीसगढ़ी" "Deva" "hne_Deva" [];
    "hrv" "hr" "Croatian" "Hrvatski" "Latn" "hrv_Latn" [];
    "hun" "hu" "Hungarian" "Magyar" "Latn" "hun_Latn" [];
    "hye" "hy" "Armenian" "Հայերեն" "Armn" "hye_Armn" [];
    "ibo" "ig" "Igbo" "Igbo" "Latn" "ibo_Latn" [];
    "ilo" -    "Ilocano" "Ilokano" "Latn" "ilo_Latn" [];
    "ind" "id" "Indonesian" "Bahasa Indonesia" "Latn" "ind_Latn" [];
    "isl" "is" "Icelandic" "Íslenska" "Latn" "isl_Latn" [];
    "ita" "it" "Italian" "Italiano" "Latn" "ita_Latn" [];
    "jav" "jv" "Javanese" "Basa Jawa" "Latn" "jav_Latn" [];
    "jpn" "ja" "Japanese" "日本語" "Jpan" "jpn_Jpan" [];
    "kab" -    "Kabyle" "Taqbaylit" "Latn" "kab_Latn" [];
    "kac" -    "Jingpho" "Jinghpaw" "Latn" "kac_Latn" [];
    "kam" -    "Kamba" "Kikamba" "Latn" "kam_Latn" [];
    "kan" "kn" "Kannada" "ಕನ್ನಡ" "Knda" "kan_Knda" [];
    "kas" "ks" "Kashmiri" "کٲشُر" "Arab" "kas_Arab" [];
    "kat" "ka" "Georgian" "ქართული" "Geor" "kat_Geor" [];
    "kau" "kr" "Kanuri" "Kanuri" "Latn" "knc_Latn" ["knc", "kby", "krt"];
    "kaz" "kk" "Kazakh" "Қазақ тілі" "Cyrl" "kaz_Cyrl" [];
    "kbp" -    "Kabiyè" "Kabɩyɛ" "Latn" "kbp_Latn" [];
    "kea" -    "Kabuverdianu" "Kabuverdianu" "Latn" "kea_Latn" [];
    "khm" "km" "Khmer" "ខ្មែរ" "Khmr" "khm_Khmr" [];
    "kik" "ki" "Kikuyu" "Gĩkũyũ" "Latn" "kik_Latn" [];
    "kin" "rw" "Kinyarwanda" "Ikinyarwanda" "Latn" "kin_Latn" [];
    "kir" "ky" "Kyrgyz" "Кыргызча" "Cyrl" "kir_Cyrl" [];
    "kmb" -    "Kimbundu" "Kimbundu" "Latn" "kmb_Latn" [];
    "kon" "kg" "Kongo" "Kikongo" "Latn" "kon_Latn" ["kng", "kwy", "ldi"];
    // Written in Hangul: FLORES says `kor_Hang` (not `Kore`, Hangul with Hanja).
    "kor" "ko" "Korean" "한국어" "Hang" "kor_Hang" [];
    "kur" "ku" "Kurdish" "Kurdî" "Latn" "kmr_Latn" ["kmr"];
    "lao" "lo" "Lao" "ລາວ" "Laoo" "lao_Laoo" [];
    "lat" "la" "Latin" "Latina" "Latn" "" [];
    // Latgalian (`ltg`) is an individual language of the macrolanguage `lav` in ISO 639-3.
    "lav" "lv" "Latvian" "Latviešu" "Latn" "lvs_Latn" ["lvs", "ltg"];
    "lij" -    "Ligurian" "Lìgure" "Latn" "lij_Latn" [];
    "lim" "li" "Limburgish" "Limburgs" "Latn" "lim_Latn" [];
    "lin" "ln" "Lingala" "Lingála" "Latn" "lin_Latn" [];
    "lit" "lt" "Lithuanian" "Lietuvių" "Latn" "lit_Latn" [];
    "lmo" -    "Lombard" "Lombard" "Latn" "lmo_Latn" [];
    "ltz" "lb" "Luxembourgish" "Lëtzebuergesch" "Latn" "ltz_Latn" [];
    "lua" -    "Luba-Lulua" "Tshiluba" "Latn" "lua_Latn" [];
    "lug" "lg" "Ganda" "Luganda" "Latn" "lug_Latn" [];
    "luo" -    "Luo" "Dholuo" "Latn" "luo_Latn" [];
    "lus" -    "Mizo" "Mizo ṭawng" "Latn" "lus_Latn" [];
    "mag" -    "Magahi" "मगही" "Deva" "mag_Deva" [];
    "mai" -    "Maithili" "मैथिली" "Deva" "mai_Deva" [];
    "mal" "ml" "Malayalam" "മലയാളം" "Mlym" "mal_Mlym" [];
    "mar" "mr" "Marathi" "मराठी" "Deva" "mar_Deva" [];
    "min" -    "Minangkabau" "Baso Minangkabau" "Latn" "min_Latn" [];
    "mkd" "mk" "Macedonian" "Македонски" "Cyrl" "mkd_Cyrl" [];
    "mlg" "mg" "Malagasy" "Malagasy" "Latn" "plt_Latn" ["plt"];
    "mlt" "mt" "Maltese" "Malti" "Latn" "mlt_Latn" [];
    // Bengali script, as in FLORES (Meetei Mayek is also official in Manipur).
    "mni" -    "Meitei" "মৈতৈলোন্" "Beng" "mni_Beng" [];
    "mon" "mn" "Mongolian" "Монгол" "Cyrl" "khk_Cyrl" ["khk"];
    "mos" -    "Mossi" "Mooré" "Latn" "mos_Latn" [];
    "mri" "mi" "Maori" "Te reo Māori" "Latn" "mri_Latn" [];
    "msa" "ms" "Malay" "Bahasa Melayu" "Latn" "zsm_Latn" ["zsm"];
    "mya" "my" "Burmese" "မြန်မာ" "Mymr" "mya_Mymr" [];
    "nep" "ne" "Nepali" "नेपाली" "Deva" "npi_Deva" ["npi"];
    "nld" "nl" "Dutch" "Nederlands" "Latn" "nld_Latn" [];
    "nor" "no" "Norwegian" "Norsk" "Latn" "nob_Latn" ["nob", "nno"];
    "nqo" -    "N'Ko" "ߒߞߏ" "Nkoo" "nqo_Nkoo" [];
    "nso" -    "Northern Sotho" "Sesotho sa Leboa" "Latn" "nso_Latn" [];
    "nus" -    "Nuer" "Thok Naath" "Latn" "nus_Latn" [];
    "nya" "ny" "Chichewa" "Chicheŵa" "Latn" "nya_Latn" [];
    "oci" "oc" "Occitan" "Occitan" "Latn" "oci_Latn" [];
    "ori" "or" "Odia" "ଓଡ଼ିଆ" "Orya" "ory_Orya" ["ory"];
    "orm" "om" "Oromo" "Afaan Oromoo" "Latn" "gaz_Latn" ["gaz", "gax", "hae", "orc"];
    "pag" -    "Pangasinan" "Pangasinan" "Latn" "pag_Latn" [];
    "pan" "pa" "Punjabi" "ਪੰਜਾਬੀ" "Guru" "pan_Guru" [];
    "pap" -    "Papiamento" "Papiamentu" "Latn" "pap_Latn" [];
    "pol" "pl" "Polish" "Polski" "Latn" "pol_Latn" [];
    "por" "pt" "Portuguese" "Português" "Latn" "por_Latn" [];
    "pus" "ps" "Pashto" "پښتو" "Arab" "pbt_Arab" ["pbt"];
    "que" "qu" "Quechua" "Runa Simi" "Latn" "quy_Latn" ["quy", "quz"];
    "ron" "ro" "Romanian" "Română" "Latn" "ron_Latn" [];
    "run" "rn" "Rundi" "Ikirundi" "Latn" "run_Latn" [];
    "rus" "ru" "Russian" "Русский" "Cyrl" "rus_Cyrl" [];
    "sag" "sg" "Sango" "Sängö" "Latn" "sag_Latn" [];
    "san" "sa" "Sanskrit" "संस्कृतम्" "Deva" "san_Deva" [];
    "sat" -    "Santali" "ᱥᱟᱱᱛᱟᱲᱤ" "Olck" "sat_Olck" [];
    "scn" -    "Sicilian" "Sicilianu" "Latn" "scn_Latn" [];
    "shn" -    "Shan" "Shan" "Mymr" "shn_Mymr" [];
    "sin" "si" "Sinhala" "සිංහල" "Sinh" "sin_Sinh" [];
    "slk" "sk" "Slovak" "Slovenčina" "Latn" "slk_Latn" [];
    "slv" "sl" "Slovenian" "Slovenščina" "Latn" "slv_Latn" [];
    "smo" "sm" "Samoan" "Gagana Sāmoa" "Latn" "smo_Latn" [];
    "sna" "sn" "Shona" "chiShona" "Latn" "sna_Latn" [];
    "snd" "sd" "Sindhi" "سنڌي" "Arab" "snd_Arab" [];
    "som" "so" "Somali" "Soomaali" "Latn" "som_Latn" [];
    "sot" "st" "Southern Sotho" "Sesotho" "Latn" "sot_Latn" [];
    "spa" "es" "Spanish" "Español" "Latn" "spa_Latn" [];
    "sqi" "sq" "Albanian" "Shqip" "Latn" "als_Latn" ["als"];
    "srd" "sc" "Sardinian" "Sardu" "Latn" "srd_Latn" ["sdc", "sdn", "src", "sro"];
    "srp" "sr" "Serbian" "Српски" "Cyrl" "srp_Cyrl" [];
    "ssw" "ss" "Swati" "siSwati" "Latn" "ssw_Latn" [];
    "sun" "su" "Sundanese" "Basa Sunda" "Latn" "sun_Latn" [];
    "swa" "sw" "Swahili" "Kiswahili" "Latn" "swh_Latn" ["swh"];
    "swe" "sv" "Swedish" "Svenska" "Latn" "swe_Latn" [];
    "szl" -    "Silesian" "Ślōnskŏ gŏdka" "Latn" "szl_Latn" [];
    "tam" "ta" "Tamil" "தமிழ்" "Taml" "tam_Taml" [];
    "tat" "tt" "Tatar" "Татар теле" "Cyrl" "tat_Cyrl" [];
    "tel" "te" "Telugu" "తెలుగు" "Telu" "tel_Telu" [];
    "tgk" "tg" "Tajik" "Тоҷикӣ" "Cyrl" "tgk_Cyrl" [];
    "tgl" "tl" "Tagalog" "Tagalog" "Latn" "tgl_Latn" ["fil"];
    "tha" "th" "Thai" "ไทย" "Thai" "tha_Thai" [];
    "tir" "ti" "Tigrinya" "ትግርኛ" "Ethi" "tir_Ethi" [];
    // Tamasheq (`taq`) is an individual language of the Tuareg macrolanguage `tmh`.
    "tmh" -    "Tamasheq" "Tamasheq" "Latn" "taq_Latn" ["taq", "thv", "thz", "ttq"];
    "tpi" -    "Tok Pisin" "Tok Pisin" "Latn" "tpi_Latn" [];
    "tsn" "tn" "Tswana" "Setswana" "Latn" "tsn_Latn" [];
    "tso" "ts" "Tsonga" "Xitsonga" "Latn" "tso_Latn" [];
    "tuk" "tk" "Turkmen" "Türkmençe" "Latn" "tuk_Latn" [];
    "tum" -    "Tumbuka" "Chitumbuka" "Latn" "tum_Latn" [];
    "tur" "tr" "Turkish" "Türkçe" "Latn" "tur_Latn" [];
    "tzm" -    "Central Atlas Tamazight" "ⵜⴰⵎⴰⵣⵉⵖⵜ" "Tfng" "tzm_Tfng" [];
    "uig" "ug" "Uyghur" "ئۇيغۇرچە" "Arab" "uig_Arab" [];
    "ukr" "uk" "Ukrainian" "Українська" "Cyrl" "ukr_Cyrl" [];
    "umb" -    "Umbundu" "Umbundu" "Latn" "umb_Latn" [];
    "urd" "ur" "Urdu" "اردو" "Arab" "urd_Arab" [];
    "uzb" "uz" "Uzbek" "Oʻzbek" "Latn" "uzn_Latn" ["uzn"];
    "vec" -    "Venetian" "Vèneto" "Latn" "vec_Latn" [];
    "vie" "vi" "Vietnamese" "Tiếng Việt" "Latn" "vie_Latn" [];
    "war" -    "Waray" "Winaray" "Latn" "war_Latn" [];
    "wol" "wo" "Wolof" "Wolof" "Latn" "wol_Latn" [];
    "xho" "xh" "Xhosa" "isiXhosa" "Latn" "xho_Latn" [];
    "yid" "yi" "Yiddish" "ייִדיש" "Hebr" "ydd_Hebr" ["ydd"];
    "yor" "yo" "Yoruba" "Yorùbá" "Latn" "yor_Latn" [];
    // Cantonese (`yue`) is an individual language of `zho` in ISO 639-3: `yue_Hant` is `zho-Hant`, as `zho_Hant` is.
    "zho" "zh" "Chinese" "中文" "Hani" "zho_Hans" ["cmn", "yue"];
    "zul" "zu" "Zulu" "isiZulu" "Latn" "zul_Latn" [];
}

/// Names public datasets use that are neither a code nor the English name.
pub(super) const EXTRA_NAMES: &[(&str, &str)] = &[
    ("jp", "jpn"),
    ("farsi", "fas"),
    ("mandarin", "zho"),
    ("chinese simplified", "zho-Hans"),
    ("chinese traditional", "zho-Hant"),
    ("kiswahili", "swa"),
    ("filipino", "tgl"),
    ("haitian", "hat"),
    ("bangla", "ben"),
    ("persian", "fas"),
    ("kurmanji", "kur"),
    ("sorani", "ckb"),
    ("nyanja", "nya"),
    ("fulah", "ful"),
    ("luganda", "lug"),
    ("kirundi", "run"),
    ("manipuri", "mni"),
];
