package faketracker

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Admin API's conversion log, POST /admin_api/v1/conversions/log, as
// Keitaro's OpenAPI file describes it ([openapi] in keitaro.go):
//
//   - ConversionRequest: range (RangeRequest: from and to, "Start Date,
//     e.g., '2017-09-10'", timezone, "E.g., Europe/Madrid", or interval,
//     one of today, yesterday, 7_days_ago, first_day_of_this_week,
//     1_month_ago, first_day_of_this_month, 1_year_ago,
//     first_day_of_this_year, all_time), limit, offset, columns (strings),
//     filters (FilterRequest: name and operator required, expression a
//     string or a number) and sort (SortRequest: name and order, ASC or
//     DESC, both required).
//   - 200: Report, {"rows":[…],"total":N,"meta":[…]}; 400 BadRequest and
//     401 Unauthorized, whose body is Error, {"error":"…"}.
//   - The spec's own example sends columns postback_datetime,
//     click_datetime and sub_id, a filter status EQUALS lead and a range
//     2017-01-01 to 2018-04-01 with no timezone.
//
// From public client code run against live trackers ([client]): each row
// is a flat object of the requested columns only, and an unknown column
// is refused with 400; the revenue column is "revenue"; IN_LIST takes an
// array expression. The third-party notes that name the column list add
// tid, original_status and conversion_id.
//
// UNCONFIRMED, and the fake's choice: from and to may also carry a time
// ("YYYY-MM-DD HH:MM:SS", as one client sends), and to is inclusive (a
// date alone covers its whole day); a missing timezone is UTC (Keitaro
// may use the tracker's own); a range with neither dates nor interval is
// 400; without limit every row is returned; no sort is oldest first; the
// legacy "order" key of the spec's example is ignored; meta lists the
// reply's columns; revenue is a JSON number with five places.

// keitaroLogRequest is the body of the conversion log (ConversionRequest).
type keitaroLogRequest struct {
	Range struct {
		From     string `json:"from"`
		To       string `json:"to"`
		Timezone string `json:"timezone"`
		Interval string `json:"interval"`
	} `json:"range"`
	Limit   *float64 `json:"limit"` // "type": "number"
	Offset  *float64 `json:"offset"`
	Columns []string `json:"columns"`
	Filters []struct {
		Name       string          `json:"name"`
		Operator   string          `json:"operator"`
		Expression json.RawMessage `json:"expression"` // a string or a number; IN_LIST: an array
	} `json:"filters"`
	Sort []struct {
		Name  string `json:"name"`
		Order string `json:"order"`
	} `json:"sort"`
}

// keitaroColumns are the columns the fake's log serves, in the order a
// request without columns gets them.
var keitaroColumns = []struct {
	name  string
	value func(c *keitaroConversion) any
}{
	{"conversion_id", func(c *keitaroConversion) any { return c.id }},
	{"sub_id", func(c *keitaroConversion) any { return c.subID }},
	{"tid", func(c *keitaroConversion) any { return c.tid }},
	{"status", func(c *keitaroConversion) any { return c.status }},
	{"original_status", func(c *keitaroConversion) any { return c.originalStatus }},
	{"revenue", func(c *keitaroConversion) any { return json.Number(c.revenue.String()) }},
	{"currency", func(c *keitaroConversion) any { return c.currency }},
	{"postback_datetime", func(c *keitaroConversion) any { return c.at }},
	{"click_datetime", func(c *keitaroConversion) any { return c.clickAt }},
}

// keitaroColumn returns the value function of the column name, or nil.
func keitaroColumn(name string) func(c *keitaroConversion) any {
	for _, col := range keitaroColumns {
		if col.name == name {
			return col.value
		}
	}
	return nil
}

// handleConversionLog answers the Admin API's conversion log.
func (k *Keitaro) handleConversionLog(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Api-Key")
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && key == "" {
		key = b // [adminapi]: Api-Key header or Authorization: Bearer
	}
	if k.opts.APIKey == "" || key != k.opts.APIKey {
		keitaroJSON(w, http.StatusUnauthorized, map[string]any{"error": "Unauthorized"})
		return
	}
	var req keitaroLogRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		keitaroError(w, "the body is not a ConversionRequest: %v", err)
		return
	}
	loc := time.UTC
	if tz := req.Range.Timezone; tz != "" && tz != "UTC" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			keitaroError(w, "range.timezone %q: want a time zone such as UTC or Europe/Madrid", tz)
			return
		}
		loc = l
	}
	from, to, err := keitaroRange(req.Range.From, req.Range.To, req.Range.Interval, k.opts.Now().In(loc), loc)
	if err != nil {
		keitaroError(w, "range: %v", err)
		return
	}
	columns := req.Columns
	if len(columns) == 0 {
		for _, c := range keitaroColumns {
			columns = append(columns, c.name)
		}
	}
	for _, c := range columns {
		if keitaroColumn(c) == nil {
			keitaroError(w, "unknown column %q", c)
			return
		}
	}
	match, err := keitaroFilters(req)
	if err != nil {
		keitaroError(w, "%v", err)
		return
	}
	for _, s := range req.Sort {
		if keitaroColumn(s.Name) == nil || (s.Order != "ASC" && s.Order != "DESC") {
			keitaroError(w, "sort %q %q: want a column and ASC or DESC", s.Name, s.Order)
			return
		}
	}
	offset, limit := 0, -1
	if req.Offset != nil {
		if offset = int(*req.Offset); offset < 0 || float64(offset) != *req.Offset {
			keitaroError(w, "offset %v: want a whole number ≥ 0", *req.Offset)
			return
		}
	}
	if req.Limit != nil {
		if limit = int(*req.Limit); limit < 0 || float64(limit) != *req.Limit {
			keitaroError(w, "limit %v: want a whole number ≥ 0", *req.Limit)
			return
		}
	}

	k.mu.Lock()
	var rows []*keitaroConversion
	for _, c := range k.conversions {
		if !c.at.Before(from) && c.at.Before(to) && match(c) {
			rows = append(rows, c)
		}
	}
	slices.SortStableFunc(rows, func(a, b *keitaroConversion) int {
		for _, s := range req.Sort {
			v := keitaroColumn(s.Name)
			if c := keitaroCompare(v(a), v(b)); c != 0 {
				if s.Order == "DESC" {
					return -c
				}
				return c
			}
		}
		return 0
	})
	total := len(rows)
	rows = rows[min(offset, total):]
	if limit >= 0 && limit < len(rows) {
		rows = rows[:limit]
	}
	out := make([]map[string]any, 0, len(rows))
	for _, c := range rows {
		row := map[string]any{}
		for _, col := range columns {
			v := keitaroColumn(col)(c)
			if t, ok := v.(time.Time); ok {
				v = t.In(loc).Format(time.DateTime)
			}
			row[col] = v
		}
		out = append(out, row)
	}
	k.mu.Unlock()
	keitaroJSON(w, http.StatusOK, map[string]any{"rows": out, "total": total, "meta": columns})
}

// keitaroCompare orders two values of one column.
func keitaroCompare(a, b any) int {
	switch a := a.(type) {
	case time.Time:
		return a.Compare(b.(time.Time))
	case int:
		return cmp.Compare(a, b.(int))
	case json.Number:
		x, _ := a.Float64()
		y, _ := b.(json.Number).Float64()
		return cmp.Compare(x, y)
	}
	return strings.Compare(keitaroText(a), keitaroText(b))
}

// keitaroRange returns the half-open span [from, to) a RangeRequest asks
// for, now being the current time in loc.
func keitaroRange(fromS, toS, interval string, now time.Time, loc *time.Location) (from, to time.Time, err error) {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if interval != "" {
		if fromS != "" || toS != "" {
			return from, to, fmt.Errorf("give from and to, or interval, not both")
		}
		to = day.AddDate(0, 0, 1)
		switch interval {
		case "today":
			from = day
		case "yesterday":
			from, to = day.AddDate(0, 0, -1), day
		case "7_days_ago":
			from = day.AddDate(0, 0, -7)
		case "first_day_of_this_week": // Monday (UNCONFIRMED: the tracker's first weekday)
			from = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		case "1_month_ago":
			from = day.AddDate(0, -1, 0)
		case "first_day_of_this_month":
			from = day.AddDate(0, 0, 1-day.Day())
		case "1_year_ago":
			from = day.AddDate(-1, 0, 0)
		case "first_day_of_this_year":
			from = time.Date(day.Year(), 1, 1, 0, 0, 0, 0, loc)
		case "all_time":
			from = time.Time{}
		default:
			return from, to, fmt.Errorf("interval %q: want today, yesterday, 7_days_ago, first_day_of_this_week, "+
				"1_month_ago, first_day_of_this_month, 1_year_ago, first_day_of_this_year or all_time", interval)
		}
		return from, to, nil
	}
	if fromS == "" || toS == "" {
		return from, to, fmt.Errorf("give from and to (e.g. 2017-09-10), or an interval")
	}
	if from, err = keitaroTime(fromS, false, loc); err != nil {
		return from, to, fmt.Errorf("from: %w", err)
	}
	if to, err = keitaroTime(toS, true, loc); err != nil {
		return from, to, fmt.Errorf("to: %w", err)
	}
	return from, to, nil
}

// keitaroTime reads a range bound in loc: a date alone is its day's
// start, or with end the next day's start; a date and time is that
// second, or with end the next second.
func keitaroTime(s string, end bool, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateTime, s, loc); err == nil {
		if end {
			t = t.Add(time.Second)
		}
		return t, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return t, fmt.Errorf("%q: want YYYY-MM-DD or YYYY-MM-DD HH:MM:SS", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// keitaroFilters returns the test the request's filters make.
func keitaroFilters(req keitaroLogRequest) (func(c *keitaroConversion) bool, error) {
	type test func(c *keitaroConversion) bool
	var tests []test
	for _, f := range req.Filters {
		col := keitaroColumn(f.Name)
		if col == nil {
			return nil, fmt.Errorf("filter on unknown column %q", f.Name)
		}
		switch f.Operator {
		case "EQUALS", "NOT_EQUAL":
			want, ok := keitaroScalar(f.Expression)
			if !ok {
				return nil, fmt.Errorf("filter %s %s: the expression must be a string or a number", f.Name, f.Operator)
			}
			eq := f.Operator == "EQUALS"
			tests = append(tests, func(c *keitaroConversion) bool { return (keitaroText(col(c)) == want) == eq })
		case "IN_LIST":
			var raw []json.RawMessage
			if err := json.Unmarshal(f.Expression, &raw); err != nil {
				return nil, fmt.Errorf("filter %s IN_LIST: the expression must be an array", f.Name)
			}
			var in []string
			for _, e := range raw {
				s, ok := keitaroScalar(e)
				if !ok {
					return nil, fmt.Errorf("filter %s IN_LIST: each value must be a string or a number", f.Name)
				}
				in = append(in, s)
			}
			tests = append(tests, func(c *keitaroConversion) bool { return slices.Contains(in, keitaroText(col(c))) })
		default:
			return nil, fmt.Errorf("filter %s: operator %q: the fake knows EQUALS, NOT_EQUAL and IN_LIST", f.Name, f.Operator)
		}
	}
	return func(c *keitaroConversion) bool {
		for _, t := range tests {
			if !t(c) {
				return false
			}
		}
		return true
	}, nil
}

// keitaroScalar reads a filter expression that is a string or a number.
func keitaroScalar(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var n json.Number
	if d.Decode(&n) == nil {
		return n.String(), true
	}
	return "", false
}

// keitaroText is a column's value as a filter compares it.
func keitaroText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case int:
		return strconv.Itoa(v)
	case time.Time:
		return v.UTC().Format(time.DateTime)
	}
	return ""
}

// keitaroError answers 400 with an Error body.
func keitaroError(w http.ResponseWriter, format string, args ...any) {
	keitaroJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf(format, args...)})
}

// keitaroJSON writes v as a JSON reply with status.
func keitaroJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
