# The new-run wizard (/workspaces/:id/runs/new): base model, data, preset, estimate, every
# trainer setting under Advanced, continuing from an earlier run. English.

## Page and steps

# Link back to the list of runs.
wizard-back-to-runs = ← Runs
wizard-title = New run
wizard-intro = Four choices, each with what it costs before it costs anything. Every expert setting is under Advanced.

# Step 1: which base model to tune.
wizard-step-model = 1. The base model
# $link is the link "Go to models" (wizard-go-to-models).
wizard-no-model = No base model yet. Add one on the Models tab (a tiny one trains in seconds). { $link }
wizard-go-to-models = Go to models
wizard-model-label = Model to tune
wizard-model-choose = Choose a base model
# One choice in the model list. $name: the model's name; $parameters: its size, already
# formatted (e.g. "1.24 B"); $context: the longest text it reads, in tokens.
wizard-model-option = { $name } — { $parameters } parameters, { $context } tokens of context

# Step 2: the training data.
wizard-step-data = 2. The data
wizard-data-intro = A mixture says how much of each language the model sees. You can also train on one dataset version as it is.
wizard-data-label = Train on
wizard-data-choose = Choose a mixture or a dataset version
# Heading of the group of mixtures in the data list.
wizard-data-mixtures = Mixtures (ready)
# One mixture in the data list. $name: the mixture's name; $examples: how many examples;
# $languages: its language codes, separated by commas.
wizard-mixture-option = { $name } — { $examples } examples ({ $languages })
# Heading of the group of dataset versions in the data list.
wizard-data-versions = Dataset versions
# One dataset version in the data list. $label: dataset name and version; $examples: how many examples.
wizard-version-option = { $label } — { $examples } examples
# The data of the run being duplicated, when it is no longer in the lists.
wizard-data-same-as-copied = The same data as the run it copies
# Above the bar of language shares. $mixture is the mixture's name, shown as a link.
wizard-mixture-shares = How much of each language the model sees in { $mixture }:
# $link is the link "Compose one" (wizard-no-mixture-link), to the mixture builder.
wizard-no-mixture = No mixture is ready yet. { $link } to choose how much of each language goes in.
wizard-no-mixture-link = Compose one

# Step 3: the preset cards.
wizard-step-preset = 3. How much training
wizard-custom-settings = Your own settings (changed under Advanced). Pick a card to start again from a preset.

# Step 4: the estimate of memory and time.
wizard-step-estimate = 4. What it will take

wizard-advanced = Advanced: every setting
wizard-advanced-intro = What the preset chose, to change anything. Each setting is checked as you type.

## Continuing from an earlier run

wizard-step-continue = Continue from an earlier run (optional)
wizard-continue-intro = Start from another run's newest checkpoint instead of the base model, e.g. to add a language to a model already tuned.
wizard-continue-label = Start from
# The choice of starting from the base model rather than an earlier run.
wizard-continue-base = The base model
# An earlier run to start from. $name: the run's name.
wizard-continue-option = Run “{ $name }”
# Label of the replay slider. $share is the current value, a percentage such as "20%".
wizard-replay = Replay: { $share }
wizard-replay-hint = Share of the earlier run's data mixed back in: for every new example, this many earlier ones. Some replay keeps the model from forgetting what it learned before; 0 trains on the new data only.

## Start

# Heading of the last step.
wizard-step-start = Start
wizard-starting = Starting…
wizard-start-run = Start run
wizard-start-hint = The run goes on when you close this tab; its page shows it live.
# Suggested name when duplicating a run. $name: the original run's name.
wizard-name-copy = { $name } (copy)
# Suggested name when continuing from a run. $name: that run's name.
wizard-name-continued = { $name } (continued)
# Suggested name of a new run. $number: the workspace's run count plus one.
wizard-name-default = Run { $number }

## Errors the form finds before sending (shown after the field's name)

wizard-error-no-model = choose the base model to tune
wizard-error-no-data = choose a mixture or a dataset version to train on
wizard-error-not-a-number = is not a number
wizard-error-two-numbers = give two numbers, e.g. 0.9, 0.999

## Estimate

# Accessible description of the bar of language shares. $shares: each language with its
# percentage, separated by commas.
wizard-share-aria = Share of each language: { $shares }
# Under the bar of language shares. $examples and $validation: example counts; $tokens: a
# count already in words (e.g. "1.2 million").
wizard-share-summary = { $examples } training examples · about { $tokens } tokens · { $validation } held out for validation
wizard-estimate-no-model = Choose a base model to see the memory and time this run needs.
wizard-estimate-fix-settings = Fix the settings marked in Advanced to see the estimate.
# Heading: how much memory the run needs.
wizard-memory = Memory
# $amount: an amount of memory already formatted (e.g. "3.2 GiB").
wizard-memory-far-too-much = Will not fit: needs far more than { $amount } of memory. Use a smaller batch size or a shorter sequence length.
# $needed: memory the run needs; $available: the machine's memory (both formatted, e.g. "3.2 GiB");
# $machine: the machine's name.
wizard-memory-of-machine = { $needed } of { $available } on { $machine }
# Accessible description of the memory meter. $share: a percentage such as "45%".
wizard-memory-share-aria = { $share } of the machine's memory
# What the memory is made of; every value is formatted (e.g. "1.2 GiB").
wizard-memory-parts = Weights { $weights } · activations { $activations } · gradients and optimizer { $optimizer }
# The same, for LoRA. $adapters: the number of adapter parameters, formatted (e.g. "4.19 M").
wizard-memory-parts-adapters = Weights { $weights } · activations { $activations } · gradients and optimizer { $optimizer } · { $adapters } adapter parameters
# When the run needs more memory than the machine has, with full tuning.
wizard-memory-over-full = Will not fit: needs { $needed }, the machine has { $available }. Try LoRA, a smaller batch size or a shorter sequence length.
# When the run needs more memory than the machine has, with LoRA.
wizard-memory-over-lora = Will not fit: needs { $needed }, the machine has { $available }. Try a smaller batch size (with more gradient accumulation) or a shorter sequence length.
# Heading: how long the run takes.
wizard-time = Time
wizard-time-no-data = Choose the data to see how long it takes.
wizard-time-no-speed = The server did not say how fast it trains.
# $steps: training steps; $tokens: a count already in words (e.g. "3.4 million"); $examples: examples seen.
wizard-time-work = { $steps } steps · { $tokens } tokens computed · { $examples } examples
# The same, when earlier data is mixed back in (replay).
wizard-time-work-replay = { $steps } steps · { $tokens } tokens computed · { $examples } examples (with replay)
wizard-tokens-guessed = Token counts are guessed at 256 per example: profile the data with the model's tokenizer for a closer estimate.
# $rate: formatted speed (e.g. "1.2 TFLOP/s"); $machine: the machine's name; $calibration: how the
# server measured it, in its own words.
wizard-speed = Speed { $rate } on { $machine }: { $calibration }

## Advanced settings

wizard-group-trained = What is trained
# The tuning method setting.
wizard-method = Method
wizard-method-help = LoRA trains small adapters beside frozen weights: far less memory, easy to share. Full tuning changes every weight.
# Method option.
wizard-method-lora = LoRA adapters
# Method option.
wizard-method-full = Every weight (full tuning)
# Heading of the LoRA settings group.
wizard-lora-legend = LoRA adapters
# Heading of the LoRA settings group while full tuning is chosen (the group is disabled).
wizard-lora-legend-unused = LoRA adapters (not used by full tuning)
# LoRA rank.
wizard-lora-rank = Rank
wizard-lora-rank-help = Size of each adapter: larger learns more and needs more memory (8–64 is usual).
# LoRA alpha.
wizard-lora-alpha = Alpha
wizard-lora-alpha-help = Scales the adapters' effect; usually twice the rank.
wizard-lora-dropout = Dropout
wizard-lora-dropout-help = Share of the adapters' inputs dropped while training (0 to below 1); a little helps against overfitting small data.
wizard-lora-targets = Layers adapted
wizard-lora-targets-help = Attention (q, k, v, o) and MLP (gate, up, down) projections of every layer. All of them is the usual choice.

# Heading of the data settings group.
wizard-group-data = Data
# Which tokens the loss is computed on.
wizard-loss-on = Learn to predict
wizard-loss-on-help = Usually only the answers: the model learns to answer, not to write questions.
# "Learn to predict" option.
wizard-loss-on-responses = Only the answers
# "Learn to predict" option.
wizard-loss-on-all = The instructions and the answers
wizard-packing = Pack short examples together
wizard-packing-help = Several examples share one sequence (they never see each other): much less padding, faster.
wizard-seq-len = Sequence length (tokens)
wizard-seq-len-help = Longer examples are cut at this length. Memory grows with it.
wizard-validation-fraction = Held out for validation
wizard-validation-fraction-help = Share of examples kept aside (per language) to measure progress, when the data brings no validation set. Below 0.5.

wizard-group-optimization = Optimization
wizard-batch-size = Batch size
wizard-batch-size-help = Sequences computed together on the device; more needs more memory.
wizard-grad-accum = Gradient accumulation
wizard-grad-accum-help = Batches added up before each update: a larger effective batch without more memory.
wizard-learning-rate = Learning rate
wizard-learning-rate-help = How big each update is: too high and the loss jumps around, too low and it barely moves.
wizard-schedule = Learning-rate schedule
wizard-schedule-help = How the learning rate falls after the warm-up.
# Schedule option.
wizard-schedule-cosine = Cosine (smooth decay)
# Schedule option.
wizard-schedule-linear = Linear decay
# Schedule option: the learning rate does not change.
wizard-schedule-constant = Constant
wizard-warmup-steps = Warm-up steps
wizard-warmup-steps-help = The learning rate rises from 0 over these first steps.
wizard-epochs = Passes over the data (epochs)
wizard-epochs-help = How many times the model sees every training example.
wizard-max-steps = Stop after (steps)
wizard-max-steps-help = Empty: as many steps as the passes need.
wizard-weight-decay = Weight decay
wizard-weight-decay-help = Pulls weights towards 0 a little at every step (0 turns it off).
wizard-adam-betas = AdamW betas
wizard-adam-betas-help = Two numbers, e.g. 0.9, 0.999: how long the optimizer remembers past gradients.
wizard-adam-eps = AdamW epsilon
wizard-adam-eps-help = A tiny number that keeps updates finite.
wizard-grad-clip = Gradient clipping
wizard-grad-clip-help = Gradients longer than this are shortened to it, against sudden jumps; 0 turns it off.
wizard-seed = Random seed
wizard-seed-help = The same seed gives the same data order and the same start: a run can be repeated exactly.

wizard-group-checkpoints = Checking and saving
wizard-eval-every = Validate every (steps)
wizard-eval-every-help = Validation loss per language every so many steps, and at the end; 0: only at the end.
wizard-save-every = Save a checkpoint every (steps)
wizard-save-every-help = A stopped run resumes from its newest checkpoint.
wizard-keep-last = Checkpoints kept
wizard-keep-last-help = The newest ones, besides the best.
wizard-keep-best = Also keep the best checkpoint
wizard-keep-best-help = The one with the lowest validation loss, even when it is not among the newest.
wizard-dtype = Number precision
wizard-dtype-help = Automatic uses f32 on a CPU and bf16 on a GPU; bf16 halves the memory of the weights.
# Precision option.
wizard-dtype-auto = Automatic
# Precision option.
wizard-dtype-f32 = f32 (exact, twice the memory)
# Precision option.
wizard-dtype-bf16 = bf16 (GPU)
