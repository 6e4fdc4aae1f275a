# Text shared across pages: the workspace shell, the Jobs and Workers pages, and the reusable
# components (charts, job progress, conversations, number and duration helpers).

## Workspace shell

# Under the workspace name; $role is the person's role (Viewer, Editor or Owner).
common-your-role = Your role: { $role }
# A collapsible box on the Datasets tab that opens the "Check a file" form.
common-check-raw-file = Check a raw file (size, lines, checksum)

## Jobs and workers

# Link back from one job's page to the list of jobs.
common-back-to-jobs = ← Jobs
# Label before the error message of a failed job.
common-job-error-label = What went wrong:
# Under a progress bar; $eta is a duration such as "3 min 5 s".
common-job-eta = Time left: { $eta }
# A worker machine: $device is its device name (cpu, cuda…), $cpus its CPU count, $memory its memory in megabytes.
common-worker-device = { $device } · { $cpus } CPUs · { $memory } MB
# As common-worker-device, followed by its GPUs ($gpus: "name (memory MB)", separated by commas).
common-worker-device-gpus = { $device } · { $cpus } CPUs · { $memory } MB · { $gpus }
# Last heartbeat of a worker; $seconds is a whole number of seconds.
common-seconds-ago = { $seconds } s ago

## Main navigation

# Accessible name of the main navigation bar in the header.
common-nav-main = Main

## Charts

# Shown in place of a chart that has no points yet.
common-chart-empty = Nothing to draw yet.
# Opens the numbers of a chart as a table.
common-chart-show-table = Show as table
# Screen-reader summary of one line of a chart: its value ($start, $end) at the first and last x ($start_at, $end_at).
common-chart-series-summary = { $name } from { $start } at { $start_at } to { $end } at { $end_at }
# Screen-reader name of a chart: what it shows ($label), its y and x axes, then the summaries of its lines.
common-chart-aria = { $label } ({ $y } by { $x }): { $summary }
# Above a chart's table when it shows only every n-th row; $every is n, $total the number of rows.
common-chart-every-nth = Every { $every }th of { $total } rows.

## Conversations: who speaks a turn

common-turn-system = System
common-turn-user = User
common-turn-assistant = Assistant

## Languages

# A language that could not be determined.
common-lang-unknown = Unknown

## Durations before something starts (an estimate)

common-about-under-minute = under a minute
# $minutes: a whole number of minutes.
common-about-minutes = about { $minutes } min
# $hours: hours with one decimal.
common-about-hours = about { $hours } h
# $days: a whole number of days (always 2 or more).
common-about-days = about { $days } days

## Large counts in words; $count has one decimal (billion, million) or none (thousand)

common-count-billion = { $count } billion
common-count-million = { $count } million
common-count-thousand = { $count } thousand
