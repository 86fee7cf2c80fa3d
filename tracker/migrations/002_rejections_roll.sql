-- The rejections log keeps at most max_kept rows: past it the oldest roll
-- off and are counted in dropped. Triggers do the rolling so that the
-- insert of a rejection and its rolling are one statement (see writer.go).
-- seq only grows and rows go from its low end, so the kept rows are the
-- max_kept highest seq.
CREATE TABLE rejections_log (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	max_kept INTEGER NOT NULL CHECK (max_kept >= 1),
	dropped  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO rejections_log(id, max_kept) VALUES (1, 10000);

CREATE TRIGGER rejections_roll AFTER INSERT ON rejections BEGIN
	UPDATE rejections_log SET dropped = dropped +
		(SELECT count(*) FROM rejections WHERE seq <= NEW.seq - (SELECT max_kept FROM rejections_log WHERE id = 1))
		WHERE id = 1;
	DELETE FROM rejections WHERE seq <= NEW.seq - (SELECT max_kept FROM rejections_log WHERE id = 1);
END;

CREATE TRIGGER rejections_resize AFTER UPDATE OF max_kept ON rejections_log BEGIN
	UPDATE rejections_log SET dropped = dropped +
		(SELECT count(*) FROM rejections WHERE seq <= (SELECT max(seq) FROM rejections) - NEW.max_kept)
		WHERE id = 1;
	DELETE FROM rejections WHERE seq <= (SELECT max(seq) FROM rejections) - NEW.max_kept;
END;
