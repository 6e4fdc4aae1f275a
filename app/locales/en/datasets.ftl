# The Datasets tab and one dataset's page: uploading and importing files, versions, profiles,
# examples and new versions by filters.

## A dataset's state (shown in a badge)

datasets-state-importing = importing
datasets-state-needs-decision = needs your decision
datasets-state-ready = ready
datasets-state-failed = failed

## The Datasets tab: drop zone and list

# Bold start of the drop zone's text; datasets-drop-hint follows it directly.
datasets-drop-title = Drop instruction data here
# Follows datasets-drop-title (in bold) in the same paragraph.
datasets-drop-hint = {" "}— JSON lines, JSON, CSV, TSV, Parquet or text, gzip allowed, several files at once. Large files are sent in pieces and resume after a dropped connection.
datasets-choose-files = Choose files…
datasets-empty = No datasets yet. Upload instruction data in any language and Polytune shows what is in it, language by language.
# Table column: the number of examples.
datasets-col-examples = Examples
# Table column: how many versions a dataset has.
datasets-col-versions = Versions
# Table column: the name of the uploaded file.
datasets-col-file = File

## One file on its way in (the import card)

datasets-upload-progress = Upload progress
# $percent: the share uploaded, a whole number.
datasets-upload-percent = { $percent }%
# $sent, $total: sizes such as "3.2 MB".
datasets-upload-sent = { $sent } of { $total }
# $size: the file's size, such as "3.2 MB".
datasets-uploaded = Uploaded { $size }.
# Bold label; datasets-detected follows it.
datasets-detected-label = Detected:{" "}
# $detected: how the server read the file (its own text).
datasets-detected = { $detected }. Correct anything that is read wrongly, then try again.
# Label: the file format.
datasets-format = Format
datasets-format-jsonl = JSON lines
datasets-format-json-array = JSON array
datasets-format-csv = CSV
datasets-format-tsv = TSV
datasets-format-parquet = Parquet
datasets-format-lines = Text lines
datasets-has-header = First row names the columns
# Label of a choice: what each record of the file holds.
datasets-records-are = Records are
datasets-kind-fields = One exchange in separate fields
datasets-kind-messages = A list of messages
datasets-kind-turns = A list of user turns
# Field labels: where in each record a part of the conversation is found.
datasets-map-messages = Messages field
datasets-map-role-key = Role key
datasets-map-text-key = Text key
datasets-map-turns = Turns field
datasets-map-answers = Answers field (optional)
datasets-map-instruction = Instruction field
datasets-map-input = Input field (optional)
datasets-map-output = Output field
datasets-map-system = System field (optional)
datasets-map-id = Id field (optional)
datasets-file-language = Language of the file (optional)
datasets-file-language-placeholder = de, deu, deu_Latn or German — empty: detect per example
datasets-file-language-empty = Detected per example.
datasets-file-language-unknown = Not a language the studio knows.
datasets-try-reading = Try this reading
datasets-first-records = First records
# Table column: where in the file a record is (line, row).
datasets-col-where = Where
# Table column: the record read as an example conversation.
datasets-col-as-example = As an example
datasets-name = Dataset name
# Button: import the file as a dataset.
datasets-import = Import

## Bad records found while importing

datasets-decision-label = Records that cannot be read
# $bad, $records: counts, already formatted with thousands separators.
datasets-bad-records = { $bad } of { $records } records cannot be read.
# Follows datasets-bad-records in the same paragraph.
datasets-nothing-imported = {" "}Nothing has been imported yet.
# $listed: how many bad records are listed above.
datasets-skip-bad-rows = Skip bad rows ({ $listed } listed)
datasets-cancel-import = Cancel the import

## One dataset's page

datasets-back = ← Datasets
# $file: the uploaded file's name; $format: its format, such as "JSON lines".
datasets-from-file = From { $file } · { $format }
datasets-importing-notice = Importing… the first version appears when every record is read.
datasets-version-views = Version views
# Tabs of a version.
datasets-tab-profile = Profile
datasets-tab-examples = Examples
datasets-tab-derive = New version by filters

## Versions

datasets-versions = Versions
# Table columns of the versions table.
datasets-col-version = Version
datasets-col-size = Size
datasets-col-made-by = Made by
datasets-col-profile = Profile
datasets-col-export = Export
# A version's short name; $number: 1, 2, 3…
datasets-version-number = v{ $number }
# State of a version's profile.
datasets-profile-state-ready = ready
datasets-profile-state-running = running
datasets-profile-state-failed = failed
# How a version was made.
datasets-made-imported = imported
# $skipped: how many records could not be read.
datasets-made-imported-skipping = imported, { $skipped } bad records left out
# A version made by filters: $parent is the version number it was made from, $changes the
# filters (datasets-filter-* messages), separated by semicolons.
datasets-made-derived = from v{ $parent }: { $changes }
# $languages: language codes, separated by commas.
datasets-filter-languages = languages { $languages }
# $chars: a number of characters.
datasets-filter-min-chars = ≥ { $chars } chars
datasets-filter-max-chars = ≤ { $chars } chars
# $flags: quality flags, separated by commas.
datasets-filter-without = without { $flags }
datasets-filter-keep-first = duplicates: keep first
datasets-filter-keep-longest = duplicates: keep longest

## A version's profile

datasets-profiling = Profiling…
# Link to the profiling job's page.
datasets-job-details = job details
# $done, $total: counts, already formatted with thousands separators.
datasets-profiled-examples = { $done } of { $total } examples
datasets-no-profile = No finished profile yet.
datasets-per-language = Per language
# Summary figures: each follows its number, which is shown large just before it.
# $count: that number.
datasets-stat-examples = {" "}{ $count ->
   *[other] examples
}
datasets-stat-turns = {" "}{ $count ->
   *[other] turns
}
datasets-stat-languages = {" "}{ $count ->
   *[other] languages
}
datasets-stat-tokens = {" "}{ $count ->
   *[other] tokens
}
datasets-stat-exact-duplicates = {" "}{ $count ->
   *[other] exact duplicates
}
datasets-stat-near-duplicates = {" "}{ $count ->
   *[other] near duplicates
}
# $seconds: how long profiling took, such as "12.3"; $tokenizer: the tokenizer's name.
datasets-profiled-with = Profiled in { $seconds } s with { $tokenizer }.
# $seconds: how long profiling took, such as "12.3".
datasets-profiled-without = Profiled in { $seconds } s without a tokenizer (upload a tokenizer.json below for token counts and fertility).
datasets-quality-flags = Quality flags
datasets-tokenizer-title = Tokenizer fertility
datasets-tokenizer-intro = Profile this version with a model's tokenizer.json to see tokens per word and per character, and how often it falls back to raw bytes, for each language.
datasets-tokenizer-submit = Profile with this tokenizer

## Each language of a profile

datasets-chart-examples-per-language = Examples per language
# Tooltip of a bar; $language: a language name; $count: its number of examples.
datasets-bar-title = { $language }: { $count } examples
# Table columns of the per-language table.
datasets-col-share = Share
datasets-col-turns = Turns
datasets-col-tokens = Tokens
datasets-col-tokens-per-word = Tokens / word
datasets-col-tokens-per-char = Tokens / char
datasets-col-byte-fallback = Byte fallback
# Column: the languages the responses are written in.
datasets-col-answered-in = Answered in
datasets-col-script = Script
datasets-col-flags = Flags
# In the "Answered in" column: a language name and how many responses are in it.
datasets-answered-in-item = { $language } { $count }
# In the "Script" column: a script code (such as Latn) and how many examples use it.
datasets-script-item = { $script } { $count }
# $language: a language name.
datasets-lengths-title = Lengths in { $language } (characters)
# Legend of the length histogram, each after a colour swatch.
datasets-legend-instruction = {" "}instruction{" "}
datasets-legend-response = {" "}response
datasets-histogram-label = Length histogram
# Tooltip of a histogram bar; $from: the bin's lower bound in characters; $instructions,
# $responses: how many fall in that bin.
datasets-histogram-bar = from { $from } chars: { $instructions } instructions, { $responses } responses

## Duplicates

datasets-duplicates = Duplicates
# A group of exact duplicates; $examples: example numbers such as "#3, #17".
datasets-group-exact = exact: examples { $examples }
# A group of near duplicates; $examples: example numbers such as "#3, #17".
datasets-group-near = near: examples { $examples }

## A new version by filters

datasets-derive-needs-profile = Filters need a finished profile of this version.
# $number: the version the new one is made from.
datasets-derive-intro = A new version is made from v{ $number } and keeps a record of exactly these filters. This version stays as it is.
datasets-derive-languages = Keep only these languages (empty: all)
datasets-derive-min-chars = At least this many characters
datasets-derive-max-chars = At most this many characters
datasets-derive-flags = Leave out examples that are flagged
datasets-derive-dedup = Duplicates (exact and near)
datasets-dedup-none = Keep all
datasets-dedup-keep-first = Keep the first of each group
datasets-dedup-keep-longest = Keep the longest of each group
datasets-derive-submit = Create the new version

## Browsing examples

datasets-search = Search
datasets-search-placeholder = Search text…
datasets-language-placeholder = Language (de, ara…)
# Label of the quality-flag filter.
datasets-flag = Flag
datasets-any-quality = Any quality
datasets-dups-any = With or without duplicates
datasets-dups-only = Only duplicates
datasets-dups-exact = Only exact duplicates
datasets-dups-near = Only near duplicates
datasets-min-chars = At least (characters)
datasets-min-chars-placeholder = min chars
datasets-max-chars = At most (characters)
datasets-max-chars-placeholder = max chars
# $matched, $total: counts, already formatted with thousands separators.
datasets-examples-match = { $matched } of { $total } examples match
# Badge: the response is in another language; $language: a language name.
datasets-answered-in-badge = answered in { $language }
# Badge; $examples: example numbers such as "#3, #17".
datasets-duplicates-badge = duplicates: { $examples }
datasets-previous = ← Previous
datasets-next = Next →

# Above the per-language table of a profile, when most examples declared as one language have
# instructions identified as another: $declared and $detected are language names, $count the
# examples identified as $detected, $of the examples declared as $declared.
datasets-s-declared-contradicted = declared { $declared }; the instructions are { $detected } in { $count } of { $of } examples
