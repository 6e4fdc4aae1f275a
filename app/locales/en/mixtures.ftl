# Mixtures: the list of mixtures, a mixture's page (materializing, report, exports, plan, recipe).
# The builder's own messages are in another file.

## Shared pieces

# A dataset version, as the mixture pages name it: "Numbers v2". $dataset is the dataset's name.
mixtures-source-label = { $dataset } v{ $number }
# The state badge of a mixture (lowercase, as in a badge).
mixtures-state-materializing = materializing
mixtures-state-ready = ready
mixtures-state-failed = failed
# Column header and stat caption: examples the model trains on.
mixtures-col-training-examples = Training examples
# Column header: how many of the examples are copies drawn again (over-sampling).
mixtures-col-repeats = of which repeats
# Column header: examples made by augmentations (translation and the like).
mixtures-col-augmented = Augmented
# Column header: examples held out for validation.
mixtures-col-validation = Validation

## The Mixtures tab (list)

mixtures-intro = A mixture says how much of each language the model sees: which dataset versions, what share of each language, and the translations or other augmentations added. You see the result before anything runs.
# Button that opens the builder.
mixtures-new-button = New mixture
# Title of the builder when making a new mixture.
mixtures-new-title = New mixture
# Default name of a new mixture; $time is the date and time it was opened.
mixtures-default-name = Mixture of { $time }
# Title of the builder when changing a copy of the mixture named $name.
mixtures-copy-title = Change a copy of “{ $name }”
# Default name of a changed copy of the mixture named $name.
mixtures-copy-name = { $name } (changed)
# Column header: when the mixture was made.
mixtures-col-made = Made
# A mixture not materialized yet: $count (already formatted) training examples planned.
mixtures-examples-planned = { $count } planned
# Tooltip of a language chip: $language is the language's code and name, $share a percentage.
mixtures-language-share = { $language }: { $share }
# After the first ten languages of a mixture: how many more there are.
mixtures-more-languages = +{ $count } more

## A mixture's page

# Link back to the list of mixtures.
mixtures-back = ← Mixtures
# When the mixture was made; $time is a date and time.
mixtures-made-at = Made { $time }
mixtures-duplicate = Duplicate and change
mixtures-train = Train on this mixture
# Before the download links of the training examples (followed by "JSON lines · Parquet").
mixtures-export-training = Download the training examples:{" "}
# Before the download links of the validation examples, after those of the training examples.
mixtures-export-validation = {" "}— the validation examples:{" "}
# File format name (a download link).
mixtures-export-jsonl = JSON lines
# File format name (a download link).
mixtures-export-parquet = Parquet
# Heading of a materialized mixture's plan.
mixtures-shares-title = Shares per language
# Heading of the plan of a mixture not (yet) materialized.
mixtures-planned-shares-title = Planned shares per language
mixtures-failed-unknown = Materializing did not finish.
mixtures-failed-unreadable = Materializing did not finish, and the job that ran it cannot be read.
mixtures-failed-cancelled = Materializing was cancelled before it finished. Duplicate the mixture to start it again.
# Followed by the error the job reported.
mixtures-failed-label = Materializing failed:{" "}
# Shown after "Materializing failed:" when the job gave no error.
mixtures-failed-no-reason = the job stopped without saying why.
mixtures-job-details-log = Job details and log

## Materializing, live

mixtures-materializing-title = Materializing…
mixtures-materializing-intro = Drawing the examples, running the augmentations and checking for copies of evaluation sets. It keeps going if you close the tab.
# What the job is doing now; $phase is e.g. "drawing examples".
mixtures-job-phase = Now: { $phase }
mixtures-cancelling = Cancelling…
mixtures-job-details = Job details

## What was made (report)

mixtures-report-title = What was made
mixtures-contamination-none = No training example was found in an evaluation set.
# $count is the number (for the plural), $shown the same number formatted with separators.
mixtures-contamination-dropped = { $count ->
    [one] { $count } example was found in an evaluation set and left out.
   *[other] { $shown } examples were found in an evaluation set and left out.
}
# $count is the number (for the plural), $shown the same number formatted with separators.
mixtures-contamination-kept = { $count ->
    [one] { $count } example was found in an evaluation set and kept (leaving such examples out was turned off).
   *[other] { $shown } examples were found in an evaluation set and kept (leaving such examples out was turned off).
}
# Captions after a big number ("12,000 training examples"); they start with a space.
mixtures-stat-training-examples = {" "}training examples
mixtures-stat-validation-examples = {" "}validation examples
mixtures-stat-languages = {" "}languages
# After a duration in seconds ("3.2 s to make").
mixtures-stat-to-make = {" "}to make
# A duration; $seconds is already formatted ("3.2").
mixtures-seconds = { $seconds } s
# Opens the list of contaminated examples; $count is how many are listed.
mixtures-contaminated-which = Which ones ({ $count } shown)
# Table caption, for screen readers.
mixtures-report-caption = Per language: what was written
# Column header: training examples also found in evaluation sets.
mixtures-col-contaminated = Found in evaluation sets

## The plan (chart and table)

# Captions after a big number; they start with a space.
mixtures-stat-held-out = {" "}held out
mixtures-stat-tokens = {" "}tokens (est.)
# Group of two buttons: measure the shares in examples or in tokens.
mixtures-measure-label = Measure shares in
mixtures-measure-examples = Examples
mixtures-measure-tokens = Tokens
# Chart legend, after a coloured swatch each.
mixtures-legend-drawn = {" "}drawn from your data{"  "}
mixtures-legend-repeats = {" "}repeats{"  "}
mixtures-legend-augmented = {" "}made by augmentations
mixtures-plan-empty = Nothing planned yet.
mixtures-plan-no-tokens = No token counts: the chosen versions were profiled without a tokenizer.
# Chart description for screen readers; $unit is "tokens" or "examples", $list is "German 40%, French 60%".
mixtures-chart-label = { $unit ->
    [tokens] Planned training tokens per language: { $list }
   *[examples] Planned training examples per language: { $list }
}
# One entry of mixtures-chart-label's list: a language name and its share.
mixtures-chart-label-item = { $language } { $share }
# Tooltips of the chart's bars; $language is the language's code and name, $count a formatted number.
mixtures-chart-tokens = { $language }: { $count } tokens (estimated)
mixtures-chart-drawn = { $language }: { $count } examples drawn from the data
mixtures-chart-repeats = { $language }: { $count } repeats (over-sampling)
mixtures-chart-augmented = { $language }: { $count } made by augmentations
# Table caption, for screen readers.
mixtures-plan-caption = Planned examples per language
# Column header: examples the chosen versions have.
mixtures-col-available = Available
mixtures-col-examples = Examples
mixtures-col-tokens = Tokens (est.)
mixtures-col-share = Share
mixtures-col-token-share = Token share
# Table footer row: the totals over all languages.
mixtures-all = All
mixtures-show-table = Show as table

## The recipe

mixtures-recipe-title = Recipe
mixtures-made-from = Made from
mixtures-shares = Shares
mixtures-caps = Caps
mixtures-oversampling = Over-sampling
mixtures-validation = Validation
mixtures-evaluation-sets = Evaluation sets
# The random seed of the mixture.
mixtures-seed = Seed
mixtures-augmentations = Augmentations
# An empty list (no caps, no augmentations, no shares given).
mixtures-none = none
mixtures-shares-natural = As found: everything in the chosen versions
# $total is a formatted number; $list is "deu 40%, fra 60%".
mixtures-shares-percent = Percent of { $total } examples: { $list }
# One entry of the percent list: a language code and its percentage (as typed).
mixtures-shares-percent-item = { $language } { $percent }%
# $unit is "tokens" or "examples"; $list is "deu 1,000, fra 2,000".
mixtures-shares-budgets = { $unit ->
    [tokens] Budgets in tokens: { $list }
   *[examples] Budgets in examples: { $list }
}
# One entry of the budgets list: a language code and its amount.
mixtures-shares-budgets-item = { $language } { $amount }
# Temperature sampling; $alpha is a number between 0 and 1.
mixtures-shares-temperature = Temperature α = { $alpha } (0 = every language equal, 1 = as found)
# Temperature sampling with a total; $total is a formatted number of examples.
mixtures-shares-temperature-total = Temperature α = { $alpha } (0 = every language equal, 1 = as found), { $total } examples
# One cap: a language code and the most examples it may have.
mixtures-cap-item = { $language } at most { $count }
mixtures-oversampling-allowed = allowed (examples may repeat)
mixtures-oversampling-not-allowed = not allowed
# $percent is as typed ("5"), $count a formatted number.
mixtures-validation-value = { $percent }% of each language, at most { $count } per language
mixtures-contaminated-dropped = examples found in them are left out
mixtures-contaminated-kept = examples found in them are kept (and reported)
# An augmentation after its name: $kind is e.g. "Translation", $language the language of its instructions.
mixtures-augmentation-kind = {" "}({ $kind }, instructions in { $language }) —{" "}
# An input of an augmentation: $role is the template's role name, followed by a dataset version.
mixtures-augmentation-input = { $role }:{" "}
# Examples shown to the model in the prompt ($shots, 0 = none).
mixtures-augmentation-shots = — { $shots ->
    [0] zero-shot
   *[other] { $shots }-shot
}
# Same, with the most examples the augmentation makes ($limit, formatted).
mixtures-augmentation-shots-limit = — { $shots ->
    [0] zero-shot
   *[other] { $shots }-shot
}, at most { $limit }
# Opens the source of an augmentation's template; $number counts from 1.
mixtures-template-number = Template { $number }
# Labels in a template's source, each followed by the template text.
mixtures-template-user = User:
mixtures-template-assistant = Assistant:
