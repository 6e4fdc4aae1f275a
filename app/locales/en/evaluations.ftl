# Sentences with values on the Evaluations tab, and on the workspace list, members and admin pages.
# The shorter labels of the Evaluations tab are in main.ftl (eval-…).

## Evaluations: the list

# Hidden label (screen readers) of the checkbox that picks an evaluation for the heatmap;
# $label is the evaluation's name.
eval-s-pick-label = Compare { $label }
# Tasks column of the evaluation list: $tasks is the comma-separated list of task names,
# $items the number of items evaluated.
eval-s-list-tasks = { $tasks } · { $items } items
# Shown right after the "Running" badge: how far the evaluation is; $percent is a whole number.
# It starts with a space that separates it from the badge.
eval-s-progress = {" "}{ $percent }%

## Evaluations: the launch form

# An option of "What to evaluate": a tuning run; $name is the run's name.
eval-s-run-option = Run “{ $name }”
# Under a task of the launch form: the number of languages it covers ($count), then their names
# ($list, comma-separated).
eval-s-task-languages = { $count } languages: { $list }
# The estimate shown before starting: $items items to score, $time a duration such as
# "about 12 min" or "under a minute".
eval-s-estimate = { $items } items · estimated time { $time }

## Evaluations: results

# Caption (screen readers) of a task's score table; $task is the task's id.
eval-s-scores-caption = Scores per language with 95% intervals: { $task }
# Column header: the number of items scored in that language (the statistical n).
eval-s-col-n = n
# Hidden label (screen readers) of the "Items" button of a row: $task the task's id,
# $language the language's name.
eval-s-show-items-label = Show the items of { $task } { $language }
# Row header: the average score over $count languages.
eval-s-macro-row = Average ({ $count } languages)
# An average score ($value, e.g. "62.0%") followed by the same average leaving English out ($without).
eval-s-macro-without-english = { $value } (without English { $without })
# Heading above the items of one task ($task) and language ($language).
eval-s-items-title = Items: { $task } · { $language }
# In the table of which language the model answered in: a language ($language: its name, or
# "not identified") and how many answers were in it ($count).
eval-s-answered-count = { $language } { $count }
# Label before an item's expected answer; the colon and the space before the answer are part of it.
eval-s-gold-label = Expected:{" "}
# Under one answer: the language it was written in ($language: its name, or "not identified").
eval-s-item-answered-in = answered in { $language }

## Evaluations: tuned against base

# Explanation above the forgetting table: $tuned and $base are the names of the two evaluations
# (tuned minus base); $alpha is the significance level, e.g. 0.05.
eval-s-forgetting-hint = { $tuned } − { $base } · the same items, tested with McNemar's exact test and corrected across the table (Holm); α = { $alpha }
# Column header: the change in score, tuned minus base.
eval-s-col-delta = Δ
# Column header: items the tuned model got right that the base got wrong / and the reverse.
eval-s-col-gained-lost = + / −
# Column header: the p-value, corrected across the table with Holm's method.
eval-s-col-p-holm = p (Holm)
# A change in score in percentage points; $delta is signed, e.g. "+3.5" or "-1.2".
eval-s-delta-pp = { $delta } pp
# Heading above the answers of the base and the tuned model to the same items: task $task,
# language $language.
eval-s-side-by-side-title = Answers side by side: { $task } · { $language }

## Members page

# Hidden label (screen readers) of the role selector of one member; $email is the member's email.
eval-s-member-role-label = Role { $email }

## Workspace list

# Under a workspace's name: your role in it ($role, e.g. "Owner") and its number of members ($count).
eval-s-workspace-card = { $role } · { $count } members

## Evaluations: a task from your own file

# Title of the section that makes an evaluation task from an uploaded file.
eval-file-title = Add a task from your file
eval-file-intro = A multiple-choice, question-and-answer or prompts-only file in any format the studio imports (JSON lines, a JSON array or an object keyed by id, CSV, TSV, Parquet). Map its fields, check the preview, and the task joins the list above.
eval-file-choose = Choose a file
# In a field selector: no field mapped.
eval-file-none = —
eval-file-kind = Kind of task
eval-file-kind-choice = Multiple choice (scored by log-likelihood)
eval-file-kind-generation = Question and answer (the model writes; the answer is matched)
eval-file-kind-fidelity = Prompts only (language fidelity)
eval-file-prompt = Prompt
eval-file-choices = Choices (one list field, or fields separated by commas)
eval-file-answer = Right answer
eval-file-from-one = Answer numbers count from 1
eval-file-language-field = Language field
eval-file-id = Item id
eval-file-declared = Language of the whole file (when no field says it)
eval-file-update = Update the preview
eval-file-name = Task name
eval-file-create = Add the task
eval-file-field-languages = Languages identified in each text field
eval-file-field = Field
eval-file-detected = Identified as
eval-file-first-items = The first items as the model will be asked
eval-file-language = Language
# After the task was made: $name the task's name, $items its number of items, $languages its number of languages.
eval-s-file-created = Added “{ $name }”: { $items } items in { $languages } { $languages ->
        [one] language
       *[other] languages
    }. Tick it in the form above to evaluate on it.
# Above the preview: $records records read, $languages the items per language (e.g. "Bengali 250, German 250").
eval-s-file-records = { $records } records · { $languages }
# One language's item count in the preview summary: $language its name, $count its items.
eval-s-file-language-items = { $language } { $count }
# One identified language of a field: $language its name, $count texts identified as it, $of texts in the field.
eval-s-file-field-language = { $language } { $count }/{ $of }

## Evaluations: many runs in one chart

# Legend entry of the line of averages over languages in the chart under the heatmap.
eval-sweep-average = Average over languages
# X axis of that chart: the evaluations, numbered as the heatmap's columns.
eval-sweep-x = Evaluation (the numbers of the columns above)
# Y axis: $metric is the metric's code (acc, exact_flexible, …), in percent.
eval-s-sweep-y = { $metric } (%)
# What the chart shows (screen readers): $task the task's id, $metric the metric's code.
eval-s-sweep-label = { $task } · { $metric } per language over the picked evaluations

## Evaluations: removing a task made from a file

eval-remove-task = Remove
# Hidden label (screen readers) of the button that removes a task made from a file; $name is the task's name.
eval-s-remove-task = Remove the task { $name }
