# The Models tab of a workspace and a model's own page: facts, memory needs, chat template,
# trying the model, and the runs that tuned it.

## The list of models

models-intro = The base models you tune. Each page shows what the model is, the memory it needs, its chat template, and lets you try it.
models-empty = No models yet. Add SmolLM2 below in one click, make a tiny one to try the studio in seconds, or register one from the server.
# Column headings of the list of models.
models-col-architecture = Architecture
models-col-parameters = Parameters
# The longest input the model reads, in tokens.
models-col-context = Context
# Number of tokens the model knows.
models-col-vocabulary = Vocabulary
# Where the model came from (a path on the server, the catalog, or made here).
models-col-source = Source

## One-click catalog

# Size of a catalog model not yet on this server; $size is like "1.2 GiB".
models-catalog-download-size = download of { $size }

## Making a tiny model

models-tiny-title = Make a tiny model
models-tiny-intro = A small llama with random weights and a tokenizer trained on a dataset's text: for trying runs in seconds on any machine, not for real answers.
# Which dataset version's text trains the tokenizer.
models-tiny-data = Tokenizer text from
models-tiny-choose-version = Choose a dataset version
# An option of the dataset version list: the dataset's name and the version number.
models-tiny-version-option = { $dataset } — version { $number }
models-tiny-size = Size
models-tiny-micro = Micro: 2 layers of 64 (trains in seconds)
models-tiny-small = Small: 4 layers of 128
models-tiny-vocab = Vocabulary size
models-tiny-making = Making the model…
models-tiny-make = Make the model

## Registering a model from the server

models-register-title = Register a model from the server
models-register-intro = A Hugging Face folder (config.json, *.safetensors, tokenizer.json) or a .gguf file (dequantized on import), inside a folder the server allows imports from. Llama, Mistral and Qwen2 models.
models-register-path = Path on the server
models-register-reading = Reading the model…
# Button: registers the model.
models-register-button = Register

## A model's page

# Link back to the list of models.
models-back = ← Models
models-template-title = Chat template
models-template-fallback = This model brought no chat template; ChatML is used.
models-template-preview = A short conversation as the model sees it:
models-template-source = The template's source (Jinja)

## What it is (facts)

models-facts-title = What it is
models-fact-parameters = Parameters
models-fact-layers = Layers
models-fact-hidden-size = Hidden size
models-fact-mlp-size = MLP size
models-fact-attention-heads = Attention heads
# Value of "Attention heads": $heads query heads, $kv key/value heads, $dim the size of one head.
models-fact-attention-heads-value = { $heads } (key/value heads: { $kv }, head size { $dim })
models-fact-context-length = Context length
models-fact-vocabulary = Vocabulary
# A number of tokens (context length, vocabulary size).
models-fact-tokens = { $count } tokens
models-fact-output-layer = Output layer
# Value of "Output layer": it shares the embedding matrix.
models-fact-tied = tied to the embeddings
# Value of "Output layer": it has a separate matrix.
models-fact-untied = its own weights
models-fact-rope-base = RoPE base

## Memory needed

models-memory-title = Memory needed
# Input: the batch size.
models-memory-batch = Batch
models-memory-sequence-length = Sequence length
models-memory-lora-rank = LoRA rank
# Checkbox: estimate for a GPU in bf16 (unchecked: fp32).
models-memory-gpu = GPU (bf16)
# Column headings of the memory table.
models-memory-use = Use
models-memory-weights = Weights
models-memory-activations = Activations / cache
models-memory-optimizer = Gradients + optimizer
models-memory-total = Total
# Rows of the memory table.
models-memory-chat = Chat (inference, batch 1)
models-memory-lora = LoRA tuning
models-memory-full = Full tuning
models-memory-note = An estimate: weights, the key/value cache or the activations kept for the backward pass, and fp32 gradients with two AdamW moments per trained weight.

## Try it

models-try-title = Try it
# The message already in the box, sent to the model as is.
models-try-default-prompt = What is the capital of France?
models-try-message = Message
# Which weights answer: the base model, or the model tuned by a run.
models-try-weights = Weights
models-try-base = The base model
# $run is the run's name.
models-try-tuned-by = Tuned by run “{ $run }”
models-try-temperature = Temperature (0 = always the likeliest word)
models-try-writing = Writing…
# Button: the model answers the message.
models-try-answer = Answer
# Under the answer: $tokens written in $seconds seconds; $reason is "stop" (the model ended it) or anything else (the length limit).
models-try-stats = { $tokens } tokens in { $seconds } s, ended by { $reason ->
        [stop] the model
       *[other] the length limit
    }

## Runs that tuned this model

models-runs-empty = No run has tuned this model yet.
models-runs-start = Start a run
# A run's settings: $method (Lora or Full), $steps its step limit, $rate its learning rate, $started when it started.
models-run-summary = { $method } · { $steps } steps max · learning rate { $rate } · started { $started }
# As models-run-summary, for a run without a step limit.
models-run-summary-all-steps = { $method } · all steps max · learning rate { $rate } · started { $started }
# Chart name and its one line.
models-training-loss = Training loss
# X axis of the loss chart.
models-axis-step = step
# Y axis of the loss chart.
models-axis-loss = loss
models-loss-empty = The loss curve appears after the first steps.
models-validation-per-language = Validation loss per language
models-validation-at-step = Validation loss at step { $step }
models-checkpoints-kept = { $count } checkpoints kept
# Followed by the download buttons.
models-download-newest = Download the newest as a Hugging Face folder:
models-download-merged = merged weights (.tar)
models-download-adapter = LoRA adapter for PEFT (.tar)
