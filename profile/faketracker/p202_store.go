package faketracker

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Prosper202Dialect is the SQL dialect of the database the fake Prosper202
// writes its 202_clicks and 202_conversion_logs tables in
// (Prosper202Options.DB).
type Prosper202Dialect string

// The dialects.
const (
	// Prosper202SQLite: the tables in SQLite (a DB opened with the "sqlite"
	// driver), with the installer's columns in SQLite's types, so that
	// the bundled profile's SQL reader is tested without a server.
	Prosper202SQLite Prosper202Dialect = "sqlite"
	// Prosper202MySQL: the installer's CREATE TABLE statements as they are,
	// for MySQL or MariaDB (a DB opened with the "mysql" driver), which is
	// what Prosper202 runs on.
	Prosper202MySQL Prosper202Dialect = "mysql"
)

// The tables follow the installer, 202-config/functions-install.php at
// tracking202/prosper202@067f7ee3c45d7305b620f42ab06349880620e749
// (INSTALL::install_databases()), trimmed of the keys no query of the fake
// or the profile needs. The UNIQUE (click_id, transaction_id) key is the
// one MysqlConversionRepository::record() says its dedup matches
// (202-config/Conversion/MysqlConversionRepository.php, index id
// 56725144228); the installer read does not create it, so a later
// migration must (UNCONFIRMED which).
const schema202MySQL = "CREATE TABLE `202_clicks` (" + `
  click_id bigint(20) unsigned NOT NULL,
  user_id mediumint(8) unsigned NOT NULL,
  aff_campaign_id mediumint(8) unsigned NOT NULL DEFAULT '0',
  landing_page_id mediumint(8) unsigned NOT NULL DEFAULT '0',
  ppc_account_id mediumint(8) unsigned NOT NULL,
  click_cpc decimal(7,5) NOT NULL,
  click_payout decimal(11,5) NOT NULL DEFAULT '0.00000',
  click_lead tinyint(1) NOT NULL DEFAULT '0',
  click_filtered tinyint(1) NOT NULL DEFAULT '0',
  click_bot tinyint(1) NOT NULL DEFAULT '0',
  click_alp tinyint(1) NOT NULL DEFAULT '0',
  click_time int(10) unsigned NOT NULL,
  rotator_id int(10) unsigned NOT NULL DEFAULT '0',
  rule_id int(10) unsigned NOT NULL DEFAULT '0',
  KEY click_id (click_id),
  KEY user_id (user_id, click_lead)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TABLE ` + "`202_conversion_logs`" + ` (
  conv_id int(11) unsigned NOT NULL AUTO_INCREMENT,
  click_id bigint(20) unsigned NOT NULL,
  transaction_id varchar(255) DEFAULT NULL,
  campaign_id mediumint(8) unsigned NOT NULL,
  click_payout decimal(11,5) NOT NULL,
  user_id mediumint(8) unsigned NOT NULL,
  click_time int(10) NOT NULL,
  conv_time int(10) NOT NULL,
  time_difference text NOT NULL,
  ip varchar(15) NOT NULL DEFAULT '',
  pixel_type int(11) unsigned NOT NULL,
  user_agent text NOT NULL,
  deleted tinyint(4) NOT NULL DEFAULT '0',
  PRIMARY KEY (conv_id),
  UNIQUE KEY click_transaction (click_id, transaction_id),
  KEY click_id (click_id),
  KEY user_id (user_id),
  KEY campaign_id (campaign_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`

// schema202SQLite is schema202MySQL in SQLite: the same names, columns,
// NOT NULLs and defaults; DECIMAL keeps its name (NUMERIC affinity: an
// amount comes back as a REAL, 45.75), an integer type loses its width and
// unsigned, the keys become indexes.
const schema202SQLite = "CREATE TABLE `202_clicks` (" + `
  click_id BIGINT NOT NULL,
  user_id MEDIUMINT NOT NULL,
  aff_campaign_id MEDIUMINT NOT NULL DEFAULT 0,
  landing_page_id MEDIUMINT NOT NULL DEFAULT 0,
  ppc_account_id MEDIUMINT NOT NULL,
  click_cpc DECIMAL(7,5) NOT NULL,
  click_payout DECIMAL(11,5) NOT NULL DEFAULT '0.00000',
  click_lead TINYINT NOT NULL DEFAULT 0,
  click_filtered TINYINT NOT NULL DEFAULT 0,
  click_bot TINYINT NOT NULL DEFAULT 0,
  click_alp TINYINT NOT NULL DEFAULT 0,
  click_time INT NOT NULL,
  rotator_id INT NOT NULL DEFAULT 0,
  rule_id INT NOT NULL DEFAULT 0
);
CREATE INDEX ` + "`202_clicks_click_id` ON `202_clicks`" + ` (click_id);
CREATE TABLE ` + "`202_conversion_logs`" + ` (
  conv_id INTEGER PRIMARY KEY AUTOINCREMENT,
  click_id BIGINT NOT NULL,
  transaction_id VARCHAR(255) DEFAULT NULL,
  campaign_id MEDIUMINT NOT NULL,
  click_payout DECIMAL(11,5) NOT NULL,
  user_id MEDIUMINT NOT NULL,
  click_time INT NOT NULL,
  conv_time INT NOT NULL,
  time_difference TEXT NOT NULL,
  ip VARCHAR(15) NOT NULL DEFAULT '',
  pixel_type INT NOT NULL,
  user_agent TEXT NOT NULL,
  deleted TINYINT NOT NULL DEFAULT 0,
  UNIQUE (click_id, transaction_id)
);
CREATE INDEX ` + "`202_conversion_logs_click_id` ON `202_conversion_logs`" + ` (click_id)`

// store202 writes the fake's clicks and conversions into Prosper202's
// tables, as dl.php and gpb.php do. The fake's memory stays what the API
// serves; the tables are kept in step with it, under the fake's lock.
type store202 struct {
	db      *sql.DB
	dialect Prosper202Dialect
}

// create makes the tables; they must not exist yet.
func (s store202) create(ctx context.Context) error {
	src := schema202SQLite
	if s.dialect == Prosper202MySQL {
		src = schema202MySQL
	}
	for _, stmt := range strings.Split(src, ";") {
		if stmt = strings.TrimSpace(stmt); stmt == "" {
			continue
		}
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			first, _, _ := strings.Cut(stmt, "(")
			return fmt.Errorf("%s: %w (the tables must not exist yet: give the fake an empty database)", strings.TrimSpace(first), err)
		}
	}
	return nil
}

// insertClick is dl.php's INSERT INTO 202_clicks (the fake's clicks cost
// nothing and come from no ppc account, landing page or rotator).
func (s store202) insertClick(ctx context.Context, c *p202Click) error {
	_, err := s.db.ExecContext(ctx, "INSERT INTO `202_clicks` (click_id, user_id, aff_campaign_id, ppc_account_id, click_cpc, click_payout, click_lead, click_filtered, click_time)"+
		" VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?)", c.id, c.userID, c.campaignID, c.payout.String(), c.lead, c.filtered, c.time)
	if err != nil {
		return fmt.Errorf("insert click %d into 202_clicks: %w", c.id, err)
	}
	return nil
}

// errDuplicate202 is record's answer when the table already holds the
// (click, transaction id) the fake's memory did not: they are out of step.
var errDuplicate202 = errors.New("202_conversion_logs already holds this (click_id, transaction_id), the fake's memory does not")

// record is MysqlConversionRepository::record() for gpb.php, in one
// transaction: the click is read (locked, FOR UPDATE, in MySQL); a row of
// 202_conversion_logs with the same click and transaction id makes it a
// repeat (errDuplicate202: the caller found none; the lookup is by the
// row's click id, which BrokenClickID alters); else the log row is
// inserted with its own click_payout, deleted 0 and the legacy columns'
// defaults, and the click gets click_lead=1, click_filtered=0 and, when the
// postback's amount is used, that amount as its click_payout.
func (s store202) record(ctx context.Context, click *p202Click, row *p202Conversion, setPayout bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record conversion of click %d: %w", click.id, err)
	}
	defer func() { _ = tx.Rollback() }()
	lock := ""
	if s.dialect == Prosper202MySQL {
		lock = " FOR UPDATE"
	}
	var found int64
	if err := tx.QueryRowContext(ctx, "SELECT click_id FROM `202_clicks` WHERE click_id = ? AND user_id = ? LIMIT 1"+lock,
		click.id, click.userID).Scan(&found); err != nil {
		return fmt.Errorf("record conversion: read click %d from 202_clicks: %w", click.id, err)
	}
	var txid any // NULL when none was sent
	if row.txid != nil {
		txid = *row.txid
		var convID int64
		err := tx.QueryRowContext(ctx, "SELECT conv_id FROM `202_conversion_logs` WHERE click_id = ? AND transaction_id = ? LIMIT 1",
			row.clickID, *row.txid).Scan(&convID)
		switch {
		case err == nil:
			return fmt.Errorf("record conversion of click %d: conv_id %d: %w", click.id, convID, errDuplicate202)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("record conversion: look up transaction id of click %d: %w", click.id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO `202_conversion_logs` (conv_id, click_id, transaction_id, campaign_id, click_payout, user_id, click_time, conv_time,"+
		" time_difference, ip, pixel_type, user_agent, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, '', 0)",
		row.convID, row.clickID, txid, row.campaignID, row.payout.String(), row.userID, row.clickTime, row.convTime,
		fmt.Sprint(max(0, row.convTime-row.clickTime))); err != nil {
		return fmt.Errorf("record conversion: insert into 202_conversion_logs for click %d: %w", click.id, err)
	}
	update := "UPDATE `202_clicks` SET click_lead = 1, click_filtered = 0 WHERE click_id = ? AND user_id = ?"
	args := []any{click.id, click.userID}
	if setPayout {
		update = "UPDATE `202_clicks` SET click_lead = 1, click_filtered = 0, click_payout = ? WHERE click_id = ? AND user_id = ?"
		args = append([]any{row.payout.String()}, args...)
	}
	if _, err := tx.ExecContext(ctx, update, args...); err != nil {
		return fmt.Errorf("record conversion: update click %d in 202_clicks: %w", click.id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record conversion of click %d: commit: %w", click.id, err)
	}
	return nil
}
