# The Runs tab (app/src/pages/runs/, not the wizard): the list of runs, a run's live page and
# the page comparing runs side by side.

## Shared by the pages of runs

# Link back from a run's page (or the comparison page) to the list of runs.
runs-back = ← Runs
# Label of a dataset version: $dataset is the dataset's name, $number the version number.
runs-dataset-version = { $dataset } v{ $number }
# The data a run trained on, when it is a mixture; $name is the mixture's name.
runs-data-mixture = mixture “{ $name }”
# A percentage; $value is the number, already formatted (e.g. 12.5).
runs-percent = { $value }%
# Column header and fact label: the model a run tunes.
runs-base-model = Base model
# Last row of the per-language tables: the loss over every language together.
runs-all-languages = All languages
# Marks the best checkpoint or the best run for a language (badge, and the name of the ★ symbol).
runs-best = best

## The list of runs

runs-intro = A run tunes a base model on a mixture of languages. Each run's page shows its loss live and how every language improves against the base model.
runs-new = New run
# The compare button while fewer than two runs are picked.
runs-compare-pick = Compare (pick 2 to 4 runs)
# The compare button; $count is the number of runs picked (2 to 4).
runs-compare-count = Compare { $count } runs
# Hidden header (screen readers) of the column of checkboxes.
runs-pick-column = Pick to compare
# Hidden label (screen readers) of the checkbox that picks a run; $name is the run's name.
runs-pick-label = Compare “{ $name }”
runs-latest-loss = Latest loss
# Latest loss column: $train is the training loss, $validation the validation loss (both formatted numbers).
runs-loss-with-validation = { $train } (validation { $validation })
# Latest loss column when only a validation loss is known; $validation is a formatted number.
runs-loss-validation-only = validation { $validation }
# Badge beside a run that continues an earlier run.
runs-continued = continued

## A run's page: facts

# Fact label: the data the run trains on.
runs-data = Data
# The data of a run when its mixture's name is not known (yet).
runs-data-its-mixture = its mixture
# The data of a run when the dataset version's name is not known; $id is the version's id.
runs-data-dataset-version = dataset version { $id }
# Fact label: the run's training settings (method, epochs, batch, learning rate…).
runs-settings = Settings
# The training method: LoRA with its rank ($rank, a whole number).
runs-method-lora = LoRA rank { $rank }
# The training method: every weight is tuned.
runs-method-full = full tuning
# The settings of a run. $method is runs-method-lora or runs-method-full; $epochs the number of
# epochs; $batch the batch size and $accum the gradient accumulation steps (shown as batch × accum);
# $rate the learning rate; $tokens the sequence length in tokens.
runs-settings-summary = { $method } · { $epochs } epoch(s) · batch { $batch }×{ $accum } · learning rate { $rate } · sequences of { $tokens } tokens
# As runs-settings-summary, for a run limited to $max_steps training steps.
runs-settings-summary-max-steps = { $method } · { $epochs } epoch(s), at most { $max_steps } steps · batch { $batch }×{ $accum } · learning rate { $rate } · sequences of { $tokens } tokens
# $link is replaced by a link whose text is runs-continues-from-link; $replay is a whole percentage.
runs-continues-from = Continues from { $link } with { $replay }% replay of its data.
# The text of the link inside runs-continues-from.
runs-continues-from-link = an earlier run

## A run's page: progress

# Hidden heading (screen readers) of the progress box.
runs-progress = Progress
# Accessible name of the progress bar.
runs-progress-label = Training progress
# Beside the progress bar; $step and $total are whole numbers of training steps.
runs-step-of = step { $step } of { $total }
runs-status-queued = Waiting for a worker to pick it up.
runs-status-preparing = Preparing…
# $step: the whole number of the step the run stopped at.
runs-status-stopped = Stopped at step { $step }. Resume continues from the newest checkpoint.
runs-status-failed = It failed; Resume continues from the newest checkpoint.
runs-status-finished = Finished.
runs-throughput = Throughput
# Training speed; $value is a formatted number.
runs-tokens-per-second = { $value } tokens/s
# Time since the run started.
runs-elapsed = Elapsed
runs-tokens-seen = Tokens seen
runs-epoch = Epoch
# Memory the training uses.
runs-memory = Memory
# Before the error message of a failed run.
runs-failure-label = What went wrong:
# Button: stop the run (it saves a checkpoint).
runs-stop = Stop
# Button: go on training a stopped or failed run.
runs-resume = Resume
runs-duplicate = Duplicate with changes
runs-continue = Continue from this run
runs-compare-with = Compare with…
runs-evaluate = Evaluate against its base
runs-stop-hint = Stop saves a checkpoint at the current step; Resume goes on from the newest checkpoint.

## A run's page: charts

# Accessible name of the section holding the charts.
runs-charts = Charts
runs-loss = Loss
runs-loss-chart = Training and validation loss
runs-loss-empty = The loss appears after the first steps.
# Name of a line in a chart, and heading of the chart of training loss on the comparison page.
runs-training-loss = Training loss
# Name of a line in a chart; also a column header and a chart heading.
runs-validation-loss = Validation loss
runs-validation-per-language = Validation loss per language
runs-validation-per-language-empty = Each language's validation loss appears at the first evaluation.
runs-learning-rate = Learning rate
runs-gradient-norm = Gradient norm
# Axis labels of the charts (lower case).
runs-axis-step = step
runs-axis-loss = loss
runs-axis-training-loss = training loss
runs-axis-validation-loss = validation loss
runs-axis-learning-rate = learning rate
runs-axis-gradient-norm = gradient norm

## A run's page: each language against the base model

runs-against-base = Each language against the base model
runs-against-base-hint = Validation loss (lower is better) of the base model before training, and now.
runs-against-base-empty = Appears at the first evaluation.
# Column header: the latest evaluation, when there is none yet.
runs-latest = Latest
# Column header: the latest evaluation; $step is its training step.
runs-latest-at-step = Latest (step { $step })
# Column header: latest minus base loss.
runs-change = Change
# A change of loss too small to count; $change is the signed, formatted number (e.g. +0.004).
runs-change-within-noise = { $change } (within noise)

## A run's page: tokens per language

runs-tokens-title = Tokens seen per language
runs-tokens-empty = Appears with the first steps.
runs-tokens = Tokens
# Column header: a language's part of all tokens.
runs-share = Share
# Hidden header (screen readers) of the column of bars.
runs-bar = Bar

## A run's page: checkpoints and log

runs-checkpoints = Checkpoints
runs-checkpoints-empty = None saved yet.
# Column header: the training step of a checkpoint.
runs-step = Step
# Column header: when a checkpoint was saved.
runs-saved = Saved
runs-download-header = Download (Hugging Face folder, .tar)
# Download button: the full model with the tuning merged in.
runs-download-merged = merged weights
# Download button: only the LoRA adapter.
runs-download-adapter = LoRA adapter (PEFT)
# Heading of the run's log (followed by Live / Reconnecting…).
runs-log = Log
runs-log-hint = The last 50 lines.

## Comparing runs

runs-compare-title = Compare runs
runs-compare-too-few = Pick two to four runs on the Runs tab to compare them.
# A run that continues another: $name is the earlier run's name, $replay a whole percentage.
runs-continue-from-replay = { $name } (replay { $replay }%)
# Beside a checkbox; $count is how many settings differ between the runs.
# It starts with a space that separates it from the checkbox.
runs-only-differences = {" "}Only the differences ({ $count })
# Column header: the name of a setting.
runs-setting = Setting
# Badge beside a setting whose value is not the same in every run.
runs-differs = differs
runs-compare-mixture = How much of each language
runs-compare-no-mixture = None of these runs trained on a mixture, so no shares are known.
runs-compare-training-loss-chart = Training loss of each run
runs-compare-validation-loss-chart = Validation loss of each run
runs-compare-validation-empty = No run has been evaluated yet.
runs-compare-languages = Each language, run by run
# $noise: the smallest difference of loss that counts (e.g. 0.01).
runs-compare-languages-hint = Validation loss at each run's latest evaluation (lower is better); “base model” is the first run's evaluation before training. ★ marks the best run per language; differences below { $noise } are within noise.
# As runs-compare-languages-hint, when the runs tune different models.
runs-compare-languages-hint-models = Validation loss at each run's latest evaluation (lower is better); “base model” is the first run's evaluation before training (the runs tune different models). ★ marks the best run per language; differences below { $noise } are within noise.
# Column header: remarks on a language's row.
runs-note = Note
