// Package sqldriver links the database/sql drivers that tracker profiles'
// SQL readers name: "sqlite" (modernc.org/sqlite, pure Go), "mysql"
// (github.com/go-sql-driver/mysql, for MySQL and MariaDB) and "pgx"
// (github.com/jackc/pgx/v5/stdlib, for PostgreSQL). Import it for its
// side effect in a program that reads trackers through SQL:
//
//	import _ "github.com/cbsim/cbsim/profile/sqldriver"
//
// Package profile does not import it, so that a program that only reads
// over HTTP (the step library) does not compile three database drivers.
package sqldriver

import (
	_ "github.com/go-sql-driver/mysql" // registers "mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)
