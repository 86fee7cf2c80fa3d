package faketracker

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// keitaroLogRequest is the body the fake's conversion log takes
// (UNCONFIRMED; see keitaro.go).
type keitaroLogRequest struct {
	Range struct {
		From string `json:"from"` // YYYY-MM-DD, the first day
		To   string `json:"to"`   // YYYY-MM-DD, the last day
	} `json:"range"`
	Columns []string `json:"columns"`
	Filters []struct {
		Name       string `json:"name"`
		Operator   string `json:"operator"` // EQUALS or NOT_EQUAL
		Expression string `json:"expression"`
	} `json:"filters"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// keitaroColumns are the columns the fake's log serves.
var keitaroColumns = map[string]func(c *keitaroConversion) any{
	"sub_id":            func(c *keitaroConversion) any { return c.subID },
	"tid":               func(c *keitaroConversion) any { return c.tid },
	"status":            func(c *keitaroConversion) any { return c.status },
	"original_status":   func(c *keitaroConversion) any { return c.originalStatus },
	"revenue":           func(c *keitaroConversion) any { return json.Number(c.revenue.String()) },
	"currency":          func(c *keitaroConversion) any { return c.currency },
	"postback_datetime": func(c *keitaroConversion) any { return c.at.UTC().Format(time.DateTime) },
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
		keitaroJSON(w, http.StatusBadRequest, map[string]any{"error": "body is not JSON: " + err.Error()})
		return
	}
	from, err1 := time.Parse(time.DateOnly, req.Range.From)
	to, err2 := time.Parse(time.DateOnly, req.Range.To)
	if err1 != nil || err2 != nil {
		keitaroJSON(w, http.StatusBadRequest, map[string]any{"error": "range.from and range.to must be dates YYYY-MM-DD"})
		return
	}
	for _, c := range req.Columns {
		if keitaroColumns[c] == nil {
			keitaroJSON(w, http.StatusBadRequest, map[string]any{"error": "unknown column " + c})
			return
		}
	}
	for _, f := range req.Filters {
		if keitaroColumns[f.Name] == nil || (f.Operator != "EQUALS" && f.Operator != "NOT_EQUAL") {
			keitaroJSON(w, http.StatusBadRequest, map[string]any{"error": "bad filter " + f.Name + " " + f.Operator + ": use a column with EQUALS or NOT_EQUAL"})
			return
		}
	}
	if req.Limit <= 0 {
		req.Limit = 100 // UNCONFIRMED default
	}
	k.mu.Lock()
	var match []*keitaroConversion
	for _, c := range k.conversions {
		day := c.at.UTC().Truncate(24 * time.Hour)
		if day.Before(from) || day.After(to) {
			continue
		}
		ok := true
		for _, f := range req.Filters {
			eq := keitaroText(keitaroColumns[f.Name](c)) == f.Expression
			ok = ok && eq == (f.Operator == "EQUALS")
		}
		if ok {
			match = append(match, c)
		}
	}
	rows := []map[string]any{}
	for i := req.Offset; i >= 0 && i < len(match) && len(rows) < req.Limit; i++ {
		row := map[string]any{}
		for _, col := range req.Columns {
			row[col] = keitaroColumns[col](match[i])
		}
		rows = append(rows, row)
	}
	k.mu.Unlock()
	keitaroJSON(w, http.StatusOK, map[string]any{"rows": rows, "total": len(match)})
}

// keitaroText is a column's value as a filter compares it.
func keitaroText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

// keitaroJSON writes v as a JSON reply with status.
func keitaroJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
