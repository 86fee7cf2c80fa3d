package profile

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SQLDriverPackage is the package whose import links the SQL drivers
// (sqlite, mysql, postgres); this package does not, so that programs
// without SQL readers do not compile them.
const SQLDriverPackage = "github.com/cbsim/cbsim/profile/sqldriver"

// openDB opens the database of a SQL reader from its DSN.
func openDB(s *sqlSpec, vals map[string]string) (*sql.DB, error) {
	name := sqlDrivers()[s.driver]
	if !slices.Contains(sql.Drivers(), name) {
		return nil, fmt.Errorf("SQL driver %s (%s) is not linked into this program: import _ %q", s.driver, name, SQLDriverPackage)
	}
	dsn, err := s.dsn.expand(vals)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(name, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %v", s.driver, err) // the DSN may hold a password: not printed
	}
	return db, nil
}

// sqlReader reads rows with one query that takes the click id.
type sqlReader struct {
	spec *sqlSpec
	db   *sql.DB
}

// rows runs the query for clickID.
func (r sqlReader) rows(ctx context.Context, t *Tracker, clickID string) ([]row, error) {
	rs, err := r.db.QueryContext(ctx, r.spec.query, clickID)
	if err != nil {
		return nil, hint(fmt.Errorf("%s query: %s", r.spec.driver, t.Redact(err.Error())),
			"check the DSN (--set) and the query: its tables and columns must exist in the tracker's database")
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, fmt.Errorf("%s query: %w", r.spec.driver, err)
	}
	var out []row
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("%s query: %w", r.spec.driver, err)
		}
		sr := sqlRow{cols: cols, vals: make([]string, len(cols))}
		for i, v := range vals {
			sr.vals[i] = sqlText(v)
		}
		out = append(out, sr)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("%s query: %w", r.spec.driver, err)
	}
	return out, nil
}

// sqlText prints a scanned column value: a REAL as its shortest decimal
// (0.1 → "0.1", so money parses exactly what the database meant), bytes
// as text, a time in RFC 3339, NULL as "".
func sqlText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// sqlRow is a row of a query: columns by name, matched exactly, else
// without regard to case (PostgreSQL folds unquoted names to lower case).
type sqlRow struct {
	cols []string
	vals []string
}

func (r sqlRow) get(col string) (string, bool) {
	for i, c := range r.cols {
		if c == col {
			return r.vals[i], true
		}
	}
	for i, c := range r.cols {
		if strings.EqualFold(c, col) {
			return r.vals[i], true
		}
	}
	return "", false
}

func (r sqlRow) object(string) (map[string]string, bool) { return nil, false }

func (r sqlRow) raw() map[string]string {
	out := make(map[string]string, len(r.cols))
	for i, c := range r.cols {
		out[c] = r.vals[i]
	}
	return out
}
