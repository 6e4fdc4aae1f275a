# Names of the studio's own kinds of things (file formats, quality flags, augmentation kinds,
# training presets) and the notes of a mixture plan. The API sends these as codes.

## File formats, as in "From data.csv · CSV"
label-format-jsonl = JSON lines
label-format-json-array = JSON array
label-format-json-object = JSON object keyed by id
label-format-csv = CSV
label-format-tsv = TSV
label-format-parquet = Parquet
label-format-lines = text lines

## Quality flags of an example (lowercase: shown as badges and in lists)
label-flag-no-answer = no answer
label-flag-empty-answer = empty answer
label-flag-truncated-answer = answer may be cut off
label-flag-repeated-ngrams = repeats itself
label-flag-copies-instruction = answer copies the instruction
label-flag-wrong-script = wrong script
label-flag-language-mismatch = asked and answered in different languages

## Kinds of augmentation (groups of templates)
label-kind-translation = Translation
label-kind-cross-lingual = Answer in another language
label-kind-pivot = Pivot-language answer
label-kind-translate-then-answer = Translate, then answer
label-kind-labeled = Labeled data as instructions

## Training presets: a name and one sentence on what it does
label-preset-quick-look = Quick look
label-preset-quick-look-explain = About 30 steps: see that it learns before spending more.
label-preset-balanced = Balanced
label-preset-balanced-explain = One pass over your mixture with a LoRA adapter of rank 16.
label-preset-thorough = Thorough
label-preset-thorough-explain = Three passes with a rank-32 adapter and a gentler learning rate.

## Notes under a mixture plan
# $examples: a count of training examples.
label-plan-repeats = { $examples } examples are repeats (over-sampling)
label-plan-tokens-unknown = some versions were profiled without a tokenizer: their token counts are unknown
