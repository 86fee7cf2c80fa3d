package profile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Conversion is what a tracker recorded for one postback, in logical
// terms. A field the profile's reader does not map is empty.
type Conversion struct {
	ClickID         string
	Type            string
	Status          string
	Payout          int64 // cents, read exactly (see read.*.rounding)
	Currency        string
	TransactionID   string
	EventID         string
	Order           string
	DuplicateStatus string // after read.*.values: "new", "repeated" or ""
	Time            string // as the tracker prints it
	// Params are the postback's further parameters the tracker kept, by
	// the names read.*.params gives them, plus read.*.http.params_from.
	Params map[string]string
	// Raw is every top-level field (or column) of the row as text: JSON
	// objects and arrays as compact JSON, null as "".
	Raw map[string]string
}

// row is one record of a reader: a JSON object or a SQL row.
type row interface {
	// get returns the text at path, and whether it is there.
	get(path string) (string, bool)
	// object returns the entries of the object at path as texts.
	object(path string) (map[string]string, bool)
	// raw returns every top-level field as text.
	raw() map[string]string
}

// reader reads the rows a click id may have.
type reader interface {
	rows(ctx context.Context, t *Tracker, clickID string) ([]row, error)
}

// chosenReader is the reader of one kind that Bind picked.
type chosenReader struct {
	http *httpSpec
	sql  *sqlSpec
}

// pick returns the reader of r of kind want (http or sql); r's only
// kind when it has one and want was not asked for explicitly; an error
// when it was and r lacks it; nil when r is nil.
func (r *readerSpec) pick(want string, explicit bool) (*chosenReader, error) {
	switch {
	case r == nil:
		return nil, nil
	case want == "http" && r.http != nil:
		return &chosenReader{http: r.http}, nil
	case want == "sql" && r.sql != nil:
		return &chosenReader{sql: r.sql}, nil
	case explicit:
		return nil, fmt.Errorf("reader %s was asked for, but the profile's read.conversions has no %s reader", want, want)
	case r.http != nil:
		return &chosenReader{http: r.http}, nil
	}
	return &chosenReader{sql: r.sql}, nil
}

// kind names the reader's kind.
func (c *chosenReader) kind() string {
	if c.http != nil {
		return "http"
	}
	return "sql"
}

// templates returns the templates the reader uses; a SQL reader's DSN is
// not used when a database is given.
func (c *chosenReader) templates(haveDB bool) []*template {
	if c.http != nil {
		out := []*template{c.http.url, c.http.body, c.http.authValue}
		for _, k := range slices.Sorted(maps.Keys(c.http.query)) {
			out = append(out, c.http.query[k])
		}
		return out
	}
	if haveDB {
		return nil
	}
	return []*template{c.sql.dsn}
}

// open makes the reader c describes.
func (t *Tracker) open(c *chosenReader, db *sql.DB) (reader, *rowSpec, error) {
	switch {
	case c == nil:
		return nil, nil, nil
	case c.http != nil:
		return httpReader{c.http}, &c.http.rows, nil
	}
	if db == nil {
		if t.db == nil {
			var err error
			if t.db, err = openDB(c.sql, t.vals); err != nil {
				return nil, nil, err
			}
		}
		db = t.db
	}
	return sqlReader{spec: c.sql, db: db}, &c.sql.rows, nil
}

// Conversions returns what the tracker recorded for clickID, in the
// reader's order. Rows of other click ids are left out here, whatever the
// tracker's own filter did. ErrNotSupported when the profile has no
// reader of conversions.
func (t *Tracker) Conversions(ctx context.Context, clickID string) ([]Conversion, error) {
	if t.conv == nil {
		return nil, fmt.Errorf("read conversions: %w", ErrNotSupported)
	}
	rows, err := t.conv.rows(ctx, t, clickID)
	if err != nil {
		return nil, fmt.Errorf("read conversions: %w", err)
	}
	var out []Conversion
	present := map[string]bool{}
	for i, r := range rows {
		c, err := t.convMap.conversion(r, present)
		if err != nil {
			return nil, fmt.Errorf("read conversions: row %d: %w", i+1, err)
		}
		if c.ClickID == clickID {
			out = append(out, c)
		}
	}
	if err := t.convMap.checkPresent(rows, present); err != nil {
		return nil, fmt.Errorf("read conversions: %w", err)
	}
	return out, nil
}

// ClickKept says whether the tracker kept the click clickID: a tracker
// may hand out a click id in its redirect and yet not store the click
// (Orbitra drops a second click from one address within 2 s). A postback
// for a click that was not kept is refused; that is a lost click, not a
// lost conversion. ErrNotSupported when the profile has no reader of
// clicks (read.clicks).
func (t *Tracker) ClickKept(ctx context.Context, clickID string) (bool, error) {
	if t.clicks == nil {
		return false, fmt.Errorf("read clicks: %w", ErrNotSupported)
	}
	rows, err := t.clicks.rows(ctx, t, clickID)
	if err != nil {
		return false, fmt.Errorf("read clicks: %w", err)
	}
	for i, r := range rows {
		id, ok := r.get(t.clickMap.fields[FieldClickID])
		if !ok {
			return false, missingField(i+1, FieldClickID, t.clickMap.fields[FieldClickID], r)
		}
		if id == clickID {
			return true, nil
		}
	}
	return false, nil
}

// missingField says a row lacks a mapped field, and which fields it has.
func missingField(n int, logical, path string, r row) error {
	have := slices.Sorted(maps.Keys(r.raw()))
	if len(have) > 12 {
		have = append(have[:12], "…")
	}
	which := "the row"
	if n > 0 {
		which = fmt.Sprintf("row %d", n)
	}
	return hint(fmt.Errorf("%s has no %s (mapped to %s); its fields: %s", which, logical, path, strings.Join(have, ", ")),
		"set fields."+logical+" to where the row keeps it")
}

// conversion maps one row onto a Conversion; present gets the logical
// fields the row has. A row without its click id is an error; other
// fields may be missing from some rows (APIs leave empty fields out), and
// Conversions refuses a field missing from every row.
func (s *rowSpec) conversion(r row, present map[string]bool) (Conversion, error) {
	get := func(logical string) string {
		path, ok := s.fields[logical]
		if !ok {
			return ""
		}
		v, ok := r.get(path)
		if !ok {
			return ""
		}
		present[logical] = true
		if m, ok := s.values[logical]; ok {
			if mv, ok := m[v]; ok {
				v = mv
			}
		}
		return v
	}
	var c Conversion
	for _, f := range []struct {
		logical string
		dst     *string
	}{
		{FieldClickID, &c.ClickID}, {FieldType, &c.Type}, {FieldStatus, &c.Status}, {FieldCurrency, &c.Currency},
		{FieldTransactionID, &c.TransactionID}, {FieldEventID, &c.EventID}, {FieldOrder, &c.Order},
		{FieldDuplicateStatus, &c.DuplicateStatus}, {FieldTime, &c.Time},
	} {
		*f.dst = get(f.logical)
	}
	if _, ok := r.get(s.fields[FieldClickID]); !ok {
		return Conversion{}, missingField(0, FieldClickID, s.fields[FieldClickID], r)
	}
	var err error
	if c.Payout, err = parseCents(get(FieldSum), s.money, s.rounding); err != nil {
		return Conversion{}, hint(fmt.Errorf("%s %s: %w", FieldSum, s.fields[FieldSum], err), "check read's money: (decimal or cents) and rounding:")
	}
	c.Params = map[string]string{}
	for name, path := range s.params {
		if v, ok := r.get(path); ok && v != "" {
			c.Params[name] = v
		}
	}
	if s.paramsFrom != "" {
		if obj, ok := r.object(s.paramsFrom); ok {
			for k, v := range obj {
				if _, taken := c.Params[k]; !taken && v != "" {
					c.Params[k] = v
				}
			}
		}
	}
	c.Raw = r.raw()
	return c, nil
}

// checkPresent refuses a mapped field that none of rows has: the mapping
// names a field the tracker does not send.
func (s *rowSpec) checkPresent(rows []row, present map[string]bool) error {
	if len(rows) == 0 {
		return nil
	}
	for _, logical := range slices.Sorted(maps.Keys(s.fields)) {
		if !present[logical] {
			err := missingField(0, logical, s.fields[logical], rows[0])
			return fmt.Errorf("no row has it: %w", err)
		}
	}
	return nil
}

// hintError is an error with what to change in the profile or the
// settings; Check reports the hint as its Fix.
type hintError struct {
	err error
	fix string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

// hint attaches a fix to err.
func hint(err error, fix string) error { return &hintError{err: err, fix: fix} }

// Fix returns what to change, in the profile or the settings, that an
// error of a Tracker says (Check reports it as a probe's Fix); "" when it
// says none. The error's text does not hold it.
func Fix(err error) string {
	if h, ok := errors.AsType[*hintError](err); ok {
		return h.fix
	}
	return ""
}
