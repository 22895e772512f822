-- The file name a client may give a payload on submit (?filename=); '' when none.
ALTER TABLE jobs ADD COLUMN filename text NOT NULL DEFAULT '';
