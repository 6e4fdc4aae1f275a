//! The studio's own kinds of things in the person's language: the API sends codes (enum values),
//! the app words them here, from the catalog (`locales/en/labels.ftl`).

use polytune_api::{AugmentKind, FileFormat, Flag, PlanNote, Preset};

use crate::i18n::{Msg, t};

pub fn format_label(f: FileFormat) -> &'static str {
    t(match f {
        FileFormat::Jsonl => Msg::LabelFormatJsonl,
        FileFormat::JsonArray => Msg::LabelFormatJsonArray,
        FileFormat::JsonObject => Msg::LabelFormatJsonObject,
        FileFormat::Csv => Msg::LabelFormatCsv,
        FileFormat::Tsv => Msg::LabelFormatTsv,
        FileFormat::Parquet => Msg::LabelFormatParquet,
        FileFormat::Lines => Msg::LabelFormatLines,
    })
}

pub fn flag_label(f: Flag) -> &'static str {
    t(match f {
        Flag::NoAnswer => Msg::LabelFlagNoAnswer,
        Flag::EmptyAnswer => Msg::LabelFlagEmptyAnswer,
        Flag::TruncatedAnswer => Msg::LabelFlagTruncatedAnswer,
        Flag::RepeatedNgrams => Msg::LabelFlagRepeatedNgrams,
        Flag::CopiesInstruction => Msg::LabelFlagCopiesInstruction,
        Flag::WrongScript => Msg::LabelFlagWrongScript,
        Flag::LanguageMismatch => Msg::LabelFlagLanguageMismatch,
    })
}

pub fn kind_label(k: AugmentKind) -> &'static str {
    t(match k {
        AugmentKind::Translation => Msg::LabelKindTranslation,
        AugmentKind::CrossLingual => Msg::LabelKindCrossLingual,
        AugmentKind::Pivot => Msg::LabelKindPivot,
        AugmentKind::TranslateThenAnswer => Msg::LabelKindTranslateThenAnswer,
        AugmentKind::Labeled => Msg::LabelKindLabeled,
    })
}

pub fn preset_label(p: Preset) -> &'static str {
    t(match p {
        Preset::QuickLook => Msg::LabelPresetQuickLook,
        Preset::Balanced => Msg::LabelPresetBalanced,
        Preset::Thorough => Msg::LabelPresetThorough,
    })
}

pub fn preset_explain(p: Preset) -> &'static str {
    t(match p {
        Preset::QuickLook => Msg::LabelPresetQuickLookExplain,
        Preset::Balanced => Msg::LabelPresetBalancedExplain,
        Preset::Thorough => Msg::LabelPresetThoroughExplain,
    })
}

pub fn plan_note(n: &PlanNote) -> String {
    match n {
        PlanNote::Repeats { examples } => crate::tr!(Msg::LabelPlanRepeats, examples = *examples),
        PlanNote::TokensUnknown => t(Msg::LabelPlanTokensUnknown).to_string(),
        PlanNote::Text(text) => text.clone(),
    }
}
