# The mixture builder (app/src/pages/mixtures/builder/): choosing data, shares per language,
# limits, augmentations and the live preview of the plan.

## The builder itself (mod.rs)

builder-close = Close the builder
builder-intro = Choose the data, say how much of each language the model sees, and check the result on the right: it updates as you type. Nothing runs until you press Materialize.
# The Materialize button while the request is being sent.
builder-starting = Starting…
builder-materialize = Materialize
builder-materialize-hint = Materializing draws the examples, runs the augmentations and checks for evaluation-set contamination; it keeps running if you close the tab.

## Messages under fields, written by the page when a number cannot be read (state.rs)

builder-error-whole-or-empty = enter a whole number, or leave it empty for all
builder-error-whole = enter a whole number (like 1000)
builder-error-number = enter a number (like 25)
builder-error-fraction = enter a number such as 0.05 (5%)
builder-error-whole-examples = enter a whole number of examples

## Step 1: data (sources.rs)

builder-sources-legend = 1. Data
builder-sources-hint = The dataset versions to draw from. A version registered as an evaluation set is never trained on: it is what the tuned model is tested against, and the mixture is checked for copies of it.
builder-sources-empty = No dataset versions in this workspace yet: upload a dataset first.
# After a dataset version's languages: how many more languages are not listed.
builder-languages-more = +{ $count } more
# $count: number of examples in a dataset version, already formatted (e.g. 1,234).
builder-source-examples = { $count } examples
# Shown instead of the languages while a dataset version is being profiled.
builder-profiling = profiling…
builder-badge-evaluation = evaluation set — not trained on
builder-badge-no-tokens = no token counts
builder-badge-no-tokens-title = Profiled without a tokenizer: token counts are unknown
builder-eval-toggle-on-title = Registered as an evaluation set: press to use it for training again
builder-eval-toggle-off-title = Register as an evaluation set (never trained on)
# Toggle button on a dataset version that is registered as an evaluation set.
builder-eval-toggle-on = Evaluation set ✓
# Toggle button on a dataset version that is not an evaluation set.
builder-eval-toggle-off = Evaluation set
builder-count-tokens-label = Count tokens as a model sees them
builder-count-tokens-choose-model = Choose a model…
builder-count-tokens = Count tokens
builder-count-tokens-need-choice = Choose a model and at least one dataset version first.
builder-count-tokens-already = Already counted with this model's tokenizer.
# $done, $total: numbers of dataset versions.
builder-count-tokens-progress = Counting tokens: { $done } of { $total } versions done…
builder-count-tokens-done = Tokens counted with this model's tokenizer.

## Step 2: how much of each language (shares.rs)

builder-shares-legend = 2. How much of each language
builder-shares-kind-legend = How shares are set
builder-kind-natural = As found
builder-kind-natural-hint = everything in the chosen versions
builder-kind-percent = Percent
builder-kind-percent-hint = a share of each language in a mixture of a given size
builder-kind-budgets = Budgets
builder-kind-budgets-hint = a number of examples or tokens per language
builder-kind-temperature = Temperature
builder-kind-temperature-hint = from every language equal to as found
builder-natural-explained = Every example of the chosen versions, except those held out for validation. Big languages stay big; small ones stay small.
# Bold start of the preset's title; the preset's description follows it.
builder-pinch-label = Preset:{" "}
builder-pinch-generic = one language in full, a pinch of each of the others
# $base: the language kept in full (English name); $examples: the number typed by the person;
# $count: how many other languages.
builder-pinch-title = { $base } + { $examples } in each of { $count } languages
builder-pinch-hint = All of one language, and a small number of examples of each other one: often enough to teach a model to answer in a language.
# Label of the choice of the language kept in full.
builder-pinch-base = In full
builder-pinch-n = Examples of each other language
builder-pinch-apply = Use this preset
# Label of the field, and the name of that field in the list of things to fix.
builder-mixture-size = Size of the mixture
builder-mixture-size-optional = Size of the mixture (optional)
# Unit after the size of the mixture.
builder-training-examples = training examples
# $count: examples available in a language, already formatted (e.g. 1,234).
builder-available = { $count } available
# $count: tokens available in a language, already formatted (e.g. 1,234).
builder-tokens-available = { $count } tokens available
builder-tokens-not-counted = tokens not counted
# $percent: the sum of the typed percentages, already formatted.
builder-percent-sum-ok = Together: { $percent }% ✓
builder-percent-sum-wrong = Together: { $percent }% (must be 100%)
builder-percent-normalize = Make them add up to 100
builder-count-in = Count in
# Budget unit: option text and the unit after each language's amount.
builder-unit-examples = examples
# Budget unit: option text and the unit after each language's amount.
builder-unit-tokens = tokens
# Placeholder of an empty budget.
builder-budget-none = none
builder-budget-hint = A language left empty gets none.
builder-alpha = Temperature α
builder-alpha-hint = Each language's share follows its size to the power α: 0 gives every language the same number of examples, 1 keeps them as found. Values around 0.3 lift small languages without drowning the big ones.
# Placeholder of the optional size of the mixture.
builder-all-available = all available

## Limits and advanced settings (limits.rs)

builder-limits-legend = Limits
builder-oversample = Allow over-sampling (repeat examples)
builder-oversample-hint = When a language is asked for more examples than it has, each example is repeated; repeats teach less than new examples.
builder-caps-hint = At most this many training examples of a language (optional):
# Beside a language's cap: out of how many examples it has ($count already formatted, e.g. 1,234).
builder-cap-of = of { $count }
# Placeholder of an empty cap.
builder-no-cap = no cap
builder-advanced = Advanced: validation, seed, evaluation sets
builder-validation-fraction = Held out for validation (per language)
builder-validation-fraction-hint = {" "}as a fraction: 0.05 = 5%
builder-validation-max = At most, per language
# After the number of validation examples per language.
builder-validation-max-hint = {" "}validation examples
builder-seed = Seed
builder-seed-hint = {" "}the same seed draws the same examples
builder-drop-contaminated = Leave out examples found in evaluation sets
builder-drop-contaminated-hint = Either way, the report counts the training examples whose text (or an aligned translation) is in an evaluation set.

## Step 3: augmentations (augmentations.rs)

builder-augmentations-legend = 3. Augmentations (optional)
builder-augmentations-hint = New examples made from aligned data with a template: translations, answers in another language, labeled data as instructions. Each input reads one dataset version; the versions must be aligned line by line.
builder-add-augmentation = Add augmentation
# Heading of one augmentation, and where a problem is in the list of things to fix. $number: 1, 2, …
builder-augmentation = Augmentation { $number }
builder-template = Template
# A template option for a template copied into this mixture. $name: the template's name.
builder-template-own = { $name } (this mixture's copy)
# A built-in template option. $name: template name; $language: the language of its words.
builder-template-option = { $name } — in { $language }
# A template option saved in the workspace. $name: template name; $language: the language of its words.
builder-template-option-workspace = { $name } — in { $language } (workspace)
# Label of one input of a template. $role: the input's name in the template (e.g. source).
builder-input = Input “{ $role }”
builder-input-answer-hint = {" "}(the new examples are in its language)
builder-choose-version = Choose a dataset version
# A dataset version option. $source: its name; $count: examples, already formatted; $language: its main language.
builder-version-option = { $source } — { $count } examples — { $language }
# A dataset version option while the version is being profiled.
builder-version-option-profiling = { $source } — { $count } examples — profiling…
builder-shots = Worked examples
builder-shots-none = None (zero-shot)
# $count: number of worked examples (1, 3 or 5).
builder-shots-few = { $count } (few-shot)
# Label of the limit on how many new examples an augmentation makes.
builder-limit = At most
# Placeholder of an empty limit.
builder-limit-all = all
builder-limit-hint = {" "}new examples (drawn evenly)
builder-edit-template = Edit template
builder-template-language = Language of its words
builder-template-user = Instruction (Jinja)
builder-template-assistant = Answer (Jinja)
# $roles: the template's input names, comma-separated; $first: the first of them. The {"{{"} … {"}}"}
# parts are template syntax and must stay as they are.
builder-template-help = Inputs: { $roles }. Each offers text, instruction, response, language, language_name, native_name, id and meta.* — for example {"{{"} { $first }.text {"}}"} or {"{{"} { $first }.language_name {"}}"}.
builder-template-save-existing = Save the workspace template
builder-template-save-new = Save as workspace template
# $name: the template's name.
builder-template-saved = Saved “{ $name }”.
# $name: the template's name.
builder-template-saved-new = Saved “{ $name }” as a workspace template.
# The Preview button while the examples are being made.
builder-previewing = Making examples…
builder-preview = Preview
# $total: examples the augmentation makes, already formatted; $shown: how many are shown (at most 3).
builder-preview-makes = Makes { $total } examples in all. The first { $shown }:

## The preview of the plan (preview.rs)

builder-preview-title = What the model will see
builder-to-fix = { $count ->
    [one] One thing to fix:
   *[other] { $count } things to fix:
}
builder-show-table = Show as table
# Where a problem is, in the list of things to fix: a dataset version by its name.
builder-where-dataset = Dataset { $name }
# Where a problem is: a dataset version by its position (1, 2, …) when its name is unknown.
builder-where-dataset-number = Dataset { $number }
# $language: code and name of a language.
builder-where-share = Share of { $language }
builder-where-temperature = Temperature
builder-where-shares = Shares
# $language: code and name of a language.
builder-where-cap = Cap for { $language }
builder-where-validation-share = Validation share
builder-where-validation-max = Validation examples per language
# $number: the augmentation's position (1, 2, …); $role: the input's name in the template.
builder-where-augmentation-input = Augmentation { $number }, input “{ $role }”
builder-where-augmentation-user = Augmentation { $number }, instruction template
builder-where-augmentation-assistant = Augmentation { $number }, answer template
builder-where-augmentation-name = Augmentation { $number }, template name
builder-where-augmentation-language = Augmentation { $number }, template language
# $field: the name of another template field, as the server gave it.
builder-where-augmentation-field = Augmentation { $number }, template { $field }
builder-where-augmentation-limit = Augmentation { $number }, limit
builder-where-augmentation-shots = Augmentation { $number }, worked examples
