-- A failed job's cause as a stable code with named arguments (JSON: {"code": …, "args": {…}}),
-- beside its English wording in `error`; NULL for causes known only in words.
ALTER TABLE jobs ADD COLUMN error_detail TEXT;
