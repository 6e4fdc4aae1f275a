//! One canonical code per language (DESIGN.md decision 12).
//!
//! A language is its ISO 639-3 code — the macrolanguage where public datasets and language-ID
//! models use both (`ara` for `arb`, `zho` for `cmn`, `swa` for `swh`, `fas` for `pes`) — plus,
//! where it matters, an ISO 15924 script: `zho-Hans`, `srp-Latn`. [`parse`] maps what public
//! datasets write (ISO 639-1 `de`, FLORES `deu_Latn`, `zho-CN`, English names like `bengali`, the
//! `jp` of MT-Bench) to it, and says so when it cannot.

use serde::{Deserialize, Serialize};

/// A language in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// ISO 639-3 (macrolanguage where one exists).
    pub code: &'static str,
    /// ISO 639-1, where the language has one.
    pub iso1: Option<&'static str>,
    pub english: &'static str,
    pub native: &'static str,
    /// The script it is usually written in (ISO 15924).
    pub script: &'static str,
    /// The FLORES-200 label of the language in its usual script (`arb_Arab` for Arabic, `zho_Hans`
    /// for Chinese, `pes_Arab` for Persian); empty for a language FLORES-200 lacks (Latin).
    pub flores: &'static str,
    /// Other ISO 639-3 codes that mean this language in public data (individual languages of the macrolanguage).
    pub aliases: &'static [&'static str],
}

impl Language {
    /// Written right to left.
    pub fn rtl(&self) -> bool {
        script_is_rtl(self.script)
    }
}

pub fn script_is_rtl(script: &str) -> bool {
    matches!(script, "Arab" | "Hebr" | "Thaa" | "Syrc" | "Nkoo" | "Adlm")
}

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
const EXTRA_NAMES: &[(&str, &str)] = &[
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

/// A parsed language tag: a language of the table and perhaps a script.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct LangTag(pub String);

impl LangTag {
    /// The language part (`zho` of `zho-Hans`).
    pub fn code(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    pub fn language(&self) -> Option<&'static Language> {
        by_code(self.code())
    }

    /// The explicit script, or the language's usual one.
    pub fn script(&self) -> Option<&str> {
        match self.0.split_once('-') {
            Some((_, s)) => Some(s),
            None => self.language().map(|l| l.script),
        }
    }

    /// "German (Deutsch)"; an unknown code shows as itself.
    pub fn display(&self) -> String {
        match self.language() {
            Some(l) if l.english == l.native => l.english.to_string(),
            Some(l) => format!("{} ({})", l.english, l.native),
            None => self.0.clone(),
        }
    }

    pub fn rtl(&self) -> bool {
        self.script().is_some_and(script_is_rtl)
    }
}

impl std::fmt::Display for LangTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn by_code(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// The FLORES-200 label (`swh_Latn`) of a code in any form [`parse`] reads: the language's usual
/// label, or that language in the script the code names (`zho-Hant` → `zho_Hant`). `None` for
/// codes the table does not know and languages outside FLORES-200.
pub fn flores(input: &str) -> Option<String> {
    let tag = parse(input)?;
    let l = tag.language()?;
    if l.flores.is_empty() {
        return None;
    }
    Some(match tag.0.split_once('-') {
        Some((_, script)) => format!("{}_{script}", &l.flores[..3]),
        None => l.flores.to_string(),
    })
}

/// Maps what public datasets write to the canonical tag, or `None` when the table does not know it.
///
/// Accepts ISO 639-3 (and the individual-language codes of a macrolanguage), ISO 639-1, FLORES
/// `deu_Latn`, BCP-47-ish `zh-CN` / `zho-Hans` / `sr-Latn`, and English names in any case.
pub fn parse(input: &str) -> Option<LangTag> {
    let s = input.trim().to_ascii_lowercase().replace('_', "-");
    if s.is_empty() {
        return None;
    }
    if let Some((_, tag)) = EXTRA_NAMES.iter().find(|(n, _)| *n == s) {
        return Some(LangTag(tag.to_string()));
    }
    if let Some(l) = LANGUAGES.iter().find(|l| l.english.eq_ignore_ascii_case(&s)) {
        return Some(LangTag(l.code.to_string()));
    }
    let (lang, rest) = match s.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (s.as_str(), None),
    };
    let l = LANGUAGES.iter().find(|l| l.code == lang || l.iso1 == Some(lang) || l.aliases.contains(&lang))?;
    let script = match rest {
        None => None,
        Some(r) if r.len() == 4 && r.chars().all(|c| c.is_ascii_alphabetic()) => {
            let mut cs = r.chars();
            let first = cs.next()?.to_ascii_uppercase();
            Some(format!("{first}{}", cs.as_str()))
        }
        // Regions: only Chinese ones say something about the script.
        Some("cn" | "sg") if l.code == "zho" => Some("Hans".to_string()),
        Some("tw" | "hk" | "mo") if l.code == "zho" => Some("Hant".to_string()),
        // Other regions (ISO 3166 letters, UN M.49 digits) say nothing about the script.
        Some(r)
            if (r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
                || (r.len() == 3 && r.chars().all(|c| c.is_ascii_digit())) =>
        {
            None
        }
        Some(_) => return None,
    };
    // The usual script is implied; only a different one is written out.
    Some(match script {
        Some(sc) if sc != l.script => LangTag(format!("{}-{sc}", l.code)),
        _ => LangTag(l.code.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_public_datasets_write() {
        let cases = [
            ("de", "deu"),
            ("deu", "deu"),
            ("deu_Latn", "deu"),
            ("zho_Hans", "zho-Hans"),
            ("zho-CN", "zho-Hans"),
            ("zh", "zho"),
            ("cmn", "zho"),
            ("arb", "ara"),
            ("arb_Arab", "ara"),
            ("swh", "swa"),
            ("sw", "swa"),
            ("quy", "que"),
            ("jp", "jpn"),
            ("Bengali", "ben"),
            ("gujarati", "guj"),
            ("srp_Latn", "srp-Latn"),
            ("pt-BR", "por"),
            ("es-419", "spa"),
            (" EN ", "eng"),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input).map(|t| t.0), Some(want.to_string()), "{input}");
        }
        for bad in ["", "xx", "klingon", "de-Latnx", "deu_12"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn flores_labels_of_codes() {
        assert_eq!(flores("sw").as_deref(), Some("swh_Latn"));
        assert_eq!(flores("ar").as_deref(), Some("arb_Arab"));
        assert_eq!(flores("zh-TW").as_deref(), Some("zho_Hant"));
        assert_eq!(flores("deu_Latn").as_deref(), Some("deu_Latn"));
        assert_eq!(flores("xx"), None);
    }

    #[test]
    fn table_is_consistent() {
        let mut codes: Vec<_> = LANGUAGES.iter().map(|l| l.code).collect();
        codes.sort();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "a code appears twice");
        for l in LANGUAGES {
            assert_eq!(l.code.len(), 3, "{}", l.code);
            assert_eq!(l.script.len(), 4, "{}", l.code);
            assert_eq!(parse(l.code).map(|t| t.0), Some(l.code.to_string()));
            if let Some(i) = l.iso1 {
                assert_eq!(i.len(), 2, "{i}");
                assert_eq!(parse(i).map(|t| t.0), Some(l.code.to_string()), "{i}");
            }
        }
        // No alias is a row's code, and none belongs to two rows (or twice to one).
        let mut aliases: Vec<_> = LANGUAGES.iter().flat_map(|l| l.aliases.iter().map(move |a| (*a, l.code))).collect();
        for (a, code) in &aliases {
            assert!(by_code(a).is_none(), "alias {a} of {code} is also a row");
            assert_eq!(parse(a).map(|t| t.0), Some(code.to_string()), "{a}");
        }
        aliases.sort();
        let n = aliases.len();
        aliases.dedup_by_key(|(a, _)| *a);
        assert_eq!(aliases.len(), n, "an alias appears twice");
        let mut iso1: Vec<_> = LANGUAGES.iter().filter_map(|l| l.iso1).collect();
        iso1.sort();
        let n = iso1.len();
        iso1.dedup();
        assert_eq!(iso1.len(), n, "an ISO 639-1 code appears twice");
        assert!(LangTag("ara".into()).rtl());
        assert!(!LangTag("deu".into()).rtl());
        assert_eq!(LangTag("deu".into()).display(), "German (Deutsch)");
    }

    #[test]
    fn codes_names_and_aliases_name_one_language_each() {
        // Every code, ISO 639-1 code, alias and English name leads to one row only.
        let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        for l in LANGUAGES {
            let keys = std::iter::once(l.code)
                .chain(l.iso1)
                .chain(l.aliases.iter().copied())
                .map(str::to_string)
                .chain(std::iter::once(l.english.to_ascii_lowercase()));
            for k in keys {
                // A name that is the row's own code (Lao, Ewe, Fon, Luo) is the same language.
                if k == l.code {
                    if let Some(prev) = seen.get(&k) {
                        assert_eq!(*prev, l.code, "{k}");
                    }
                    seen.insert(k, l.code);
                    continue;
                }
                if let Some(prev) = seen.insert(k.clone(), l.code) {
                    panic!("{k} names both {prev} and {}", l.code);
                }
            }
            for a in l.aliases {
                assert_eq!(a.len(), 3, "{a}");
            }
            assert_eq!(parse(l.english).map(|t| t.0), Some(l.code.to_string()), "{}", l.english);
        }
        for (name, tag) in EXTRA_NAMES {
            assert!(by_code(tag.split('-').next().unwrap()).is_some(), "{name}");
            // Names may repeat an English name ("persian"), for the same language only.
            if let Some(code) = seen.get(*name) {
                assert_eq!(tag, code, "{name}");
            }
        }
    }

    #[test]
    fn flores_labels_lead_back_to_their_row() {
        for l in LANGUAGES {
            if l.flores.is_empty() {
                continue;
            }
            let (lang, script) = l.flores.split_once('_').expect(l.flores);
            assert_eq!(lang.len(), 3, "{}", l.flores);
            assert_eq!(script.len(), 4, "{}", l.flores);
            assert!(SIB200.contains(&l.flores), "{} is not a FLORES-200 label", l.flores);
            let tag = parse(l.flores).expect(l.flores);
            assert_eq!(tag.code(), l.code, "{}", l.flores);
            // The label is in the usual script, so the tag is the bare code (Chinese is written `Hani`:
            // its label names one of the two scripts).
            if l.script != "Hani" {
                assert_eq!(script, l.script, "{}", l.code);
                assert_eq!(tag.0, l.code, "{}", l.flores);
            }
        }
        assert_eq!(by_code("lat").map(|l| l.flores), Some(""));
        assert_eq!(by_code("kor").map(|l| l.flores), Some("kor_Hang"));
        assert_eq!(by_code("fas").map(|l| l.flores), Some("pes_Arab"));
    }

    /// The 205 labels of SIB-200 (FLORES-200).
    const SIB200: [&str; 205] = [
        "ace_Arab", "ace_Latn", "acm_Arab", "acq_Arab", "aeb_Arab", "afr_Latn", "ajp_Arab", "aka_Latn", "als_Latn",
        "amh_Ethi", "apc_Arab", "arb_Arab", "arb_Latn", "ars_Arab", "ary_Arab", "arz_Arab", "asm_Beng", "ast_Latn",
        "awa_Deva", "ayr_Latn", "azb_Arab", "azj_Latn", "bak_Cyrl", "bam_Latn", "ban_Latn", "bel_Cyrl", "bem_Latn",
        "ben_Beng", "bho_Deva", "bjn_Arab", "bjn_Latn", "bod_Tibt", "bos_Latn", "bug_Latn", "bul_Cyrl", "cat_Latn",
        "ceb_Latn", "ces_Latn", "cjk_Latn", "ckb_Arab", "crh_Latn", "cym_Latn", "dan_Latn", "deu_Latn", "dik_Latn",
        "dyu_Latn", "dzo_Tibt", "ell_Grek", "eng_Latn", "epo_Latn", "est_Latn", "eus_Latn", "ewe_Latn", "fao_Latn",
        "fij_Latn", "fin_Latn", "fon_Latn", "fra_Latn", "fur_Latn", "fuv_Latn", "gaz_Latn", "gla_Latn", "gle_Latn",
        "glg_Latn", "grn_Latn", "guj_Gujr", "hat_Latn", "hau_Latn", "heb_Hebr", "hin_Deva", "hne_Deva", "hrv_Latn",
        "hun_Latn", "hye_Armn", "ibo_Latn", "ilo_Latn", "ind_Latn", "isl_Latn", "ita_Latn", "jav_Latn", "jpn_Jpan",
        "kab_Latn", "kac_Latn", "kam_Latn", "kan_Knda", "kas_Arab", "kas_Deva", "kat_Geor", "kaz_Cyrl", "kbp_Latn",
        "kea_Latn", "khk_Cyrl", "khm_Khmr", "kik_Latn", "kin_Latn", "kir_Cyrl", "kmb_Latn", "kmr_Latn", "knc_Arab",
        "knc_Latn", "kon_Latn", "kor_Hang", "lao_Laoo", "lij_Latn", "lim_Latn", "lin_Latn", "lit_Latn", "lmo_Latn",
        "ltg_Latn", "ltz_Latn", "lua_Latn", "lug_Latn", "luo_Latn", "lus_Latn", "lvs_Latn", "mag_Deva", "mai_Deva",
        "mal_Mlym", "mar_Deva", "min_Arab", "min_Latn", "mkd_Cyrl", "mlt_Latn", "mni_Beng", "mos_Latn", "mri_Latn",
        "mya_Mymr", "nld_Latn", "nno_Latn", "nob_Latn", "npi_Deva", "nqo_Nkoo", "nso_Latn", "nus_Latn", "nya_Latn",
        "oci_Latn", "ory_Orya", "pag_Latn", "pan_Guru", "pap_Latn", "pbt_Arab", "pes_Arab", "plt_Latn", "pol_Latn",
        "por_Latn", "prs_Arab", "quy_Latn", "ron_Latn", "run_Latn", "rus_Cyrl", "sag_Latn", "san_Deva", "sat_Olck",
        "scn_Latn", "shn_Mymr", "sin_Sinh", "slk_Latn", "slv_Latn", "smo_Latn", "sna_Latn", "snd_Arab", "som_Latn",
        "sot_Latn", "spa_Latn", "srd_Latn", "srp_Cyrl", "ssw_Latn", "sun_Latn", "swe_Latn", "swh_Latn", "szl_Latn",
        "tam_Taml", "taq_Latn", "taq_Tfng", "tat_Cyrl", "tel_Telu", "tgk_Cyrl", "tgl_Latn", "tha_Thai", "tir_Ethi",
        "tpi_Latn", "tsn_Latn", "tso_Latn", "tuk_Latn", "tum_Latn", "tur_Latn", "twi_Latn", "tzm_Tfng", "uig_Arab",
        "ukr_Cyrl", "umb_Latn", "urd_Arab", "uzn_Latn", "vec_Latn", "vie_Latn", "war_Latn", "wol_Latn", "xho_Latn",
        "ydd_Hebr", "yor_Latn", "yue_Hant", "zho_Hans", "zho_Hant", "zsm_Latn", "zul_Latn",
    ];

    #[test]
    fn every_sib200_label_parses() {
        for label in SIB200 {
            let tag = parse(label).unwrap_or_else(|| panic!("{label} does not parse"));
            assert!(tag.language().is_some(), "{label}");
        }
        let cases = [
            ("kor_Hang", "kor"),
            ("jpn_Jpan", "jpn"),
            ("azb_Arab", "aze-Arab"),
            ("azj_Latn", "aze"),
            ("kmr_Latn", "kur"),
            ("ckb_Arab", "ckb"),
            ("ltg_Latn", "lav"),
            ("knc_Latn", "kau"),
            ("knc_Arab", "kau-Arab"),
            ("taq_Tfng", "tmh-Tfng"),
            ("tzm_Tfng", "tzm"),
            ("kas_Deva", "kas-Deva"),
            ("arb_Latn", "ara-Latn"),
            ("yue_Hant", "zho-Hant"),
            ("dik_Latn", "din"),
            ("fuv_Latn", "ful"),
            ("gaz_Latn", "orm"),
            ("plt_Latn", "mlg"),
            ("ayr_Latn", "aym"),
            ("bjn_Latn", "bjn"),
            ("min_Latn", "min"),
            ("zsm_Latn", "msa"),
            ("ind_Latn", "ind"),
            ("bos_Latn", "bos"),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input).map(|t| t.0), Some(want.to_string()), "{input}");
        }
    }

    #[test]
    fn two_script_languages_give_two_tags() {
        for (a, b) in [
            ("ace_Arab", "ace_Latn"),
            ("bjn_Arab", "bjn_Latn"),
            ("kas_Arab", "kas_Deva"),
            ("knc_Arab", "knc_Latn"),
            ("min_Arab", "min_Latn"),
            ("taq_Latn", "taq_Tfng"),
            ("arb_Arab", "arb_Latn"),
            ("zho_Hans", "zho_Hant"),
        ] {
            let (ta, tb) = (parse(a).unwrap(), parse(b).unwrap());
            assert_ne!(ta, tb, "{a} {b}");
            assert_eq!(ta.code(), tb.code(), "{a} {b}: one language");
        }
        // Kurdish: two rows, so two languages.
        assert_ne!(parse("kmr_Latn").unwrap().code(), parse("ckb_Arab").unwrap().code());
    }

    #[test]
    fn sib200_labels_fold_only_into_macrolanguages() {
        // Labels that share a tag: individual languages of one macrolanguage, nothing else.
        let mut by_tag: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
        for label in SIB200 {
            by_tag.entry(parse(label).unwrap().0).or_default().push(label);
        }
        let shared: Vec<(String, Vec<&str>)> = by_tag.into_iter().filter(|(_, v)| v.len() > 1).collect();
        let want: Vec<(String, Vec<&str>)> = [
            ("aka", vec!["aka_Latn", "twi_Latn"]),
            (
                "ara",
                vec![
                    "acm_Arab", "acq_Arab", "aeb_Arab", "ajp_Arab", "apc_Arab", "arb_Arab", "ars_Arab", "ary_Arab",
                    "arz_Arab",
                ],
            ),
            ("fas", vec!["pes_Arab", "prs_Arab"]),
            ("lav", vec!["ltg_Latn", "lvs_Latn"]),
            ("nor", vec!["nno_Latn", "nob_Latn"]),
            ("zho-Hant", vec!["yue_Hant", "zho_Hant"]),
        ]
        .into_iter()
        .map(|(t, v)| (t.to_string(), v))
        .collect();
        assert_eq!(shared, want);
    }
}
