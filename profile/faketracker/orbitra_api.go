package faketracker

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Orbitra's api.php: the API-key authentication of the newer api.php
// (index id 59672175976; the index showed no commit), the conversion log
// action=conversions as its consumers call it — the dashboard's
// frontend/src/components/ConversionsLog.jsx (commit 0d60b91f…) and the MCP
// tool orbitra_list_conversions (mcp/src, index id 59672903682) — and the
// older action=logs&type=postbacks (api.php, commit
// 009f41a816351319e973834847fdb80cc33826ed). The server side of
// action=conversions was not read: its fields, defaults and filters here
// are UNCONFIRMED, chosen from what those consumers send and show.

// bearer is api.php's preg_match('/Bearer\s+(\S+)/i', …).
var bearer = regexp.MustCompile(`(?i)Bearer\s+(\S+)`)

// handleAPI authenticates and serves an action. Every answer is
// application/json, written as PHP's json_encode() writes it ("/" as
// "\/", non-ASCII as \u escapes).
//
//   - The key is the token of "Authorization: Bearer <key>" (matched
//     anywhere, any case), else X-Api-Key, trimmed. A key that is not the
//     fake's: 401 {"status":"error","message":"Invalid API key"}. No key:
//     401 {"status":"error","message":"Unauthorized"}.
//   - action=conversions[&page=1&per_page=50&status=&campaign_id=&date_from=&date_to=]:
//     {"status":"success","data":[{id, click_id, tid, status,
//     original_status, payout, currency, campaign_id, campaign_name,
//     offer_name, ip, created_at}],"pagination":{"total","page",
//     "per_page","total_pages"}}, newest created_at first (ties by id,
//     newest first). page below 1 is 1; per_page below 1 is 50.
//     date_from/date_to (YYYY-MM-DD) bound DATE(created_at), in UTC (the
//     real one shifts by the user's timezone). search is not modelled.
//   - action=logs&type=postbacks[&limit=50&offset=0]: {"status":"success",
//     "data":[{id, click_id, status, original_status, payout, currency,
//     created_at, campaign_id, campaign_name}]}, newest first.
//   - Any other action: 400 {"status":"error","message":"Unknown action"}
//     (UNCONFIRMED).
func (o *Orbitra) handleAPI(w http.ResponseWriter, r *http.Request) {
	key := ""
	if m := bearer.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		key = strings.TrimSpace(m[1])
	} else if v := strings.TrimSpace(r.Header.Get("X-Api-Key")); v != "" {
		key = v
	}
	switch {
	case key == "":
		writeJSONOrbitra(w, http.StatusUnauthorized, jsonObject{{"status", "error"}, {"message", "Unauthorized"}})
		return
	case o.opts.APIKey == "" || key != o.opts.APIKey:
		writeJSONOrbitra(w, http.StatusUnauthorized, jsonObject{{"status", "error"}, {"message", "Invalid API key"}})
		return
	}
	q := r.URL.Query()
	o.mu.Lock()
	defer o.mu.Unlock()
	switch action := valueOf(q, "action"); {
	case action == "conversions":
		o.apiConversions(w, r, q)
	case action == "logs" && valueOf(q, "type") == "postbacks":
		o.apiPostbackLog(w, r, q)
	default:
		writeJSONOrbitra(w, http.StatusBadRequest, jsonObject{{"status", "error"}, {"message", "Unknown action"}})
	}
}

// apiConversions is action=conversions.
func (o *Orbitra) apiConversions(w http.ResponseWriter, r *http.Request, q url.Values) {
	page, perPage := int64(1), int64(50)
	if v, ok := param(q, "page"); ok && phpInt(v) >= 1 {
		page = phpInt(v)
	}
	if v, ok := param(q, "per_page"); ok && phpInt(v) >= 1 {
		perPage = phpInt(v)
	}
	where, args := []string{"1=1"}, []any{}
	if v := valueOf(q, "status"); v != "" {
		where, args = append(where, "conv.status = ?"), append(args, v)
	}
	if truthy(q, "campaign_id") {
		where, args = append(where, "cl.campaign_id = ?"), append(args, phpInt(valueOf(q, "campaign_id")))
	}
	if v := valueOf(q, "date_from"); v != "" {
		where, args = append(where, "DATE(conv.created_at) >= ?"), append(args, v)
	}
	if v := valueOf(q, "date_to"); v != "" {
		where, args = append(where, "DATE(conv.created_at) <= ?"), append(args, v)
	}
	from := ` FROM conversions conv
		LEFT JOIN clicks cl ON conv.click_id = cl.id
		LEFT JOIN campaigns c ON cl.campaign_id = c.id
		LEFT JOIN offers o ON cl.offer_id = o.id
		WHERE ` + strings.Join(where, " AND ")
	var total int64
	if err := o.db.QueryRowContext(r.Context(), o.q(`SELECT COUNT(*)`+from), args...).Scan(&total); err != nil {
		writeJSONOrbitra(w, http.StatusInternalServerError, jsonObject{{"status", "error"}, {"message", err.Error()}})
		return
	}
	data, err := queryObjects(r, o.db, o.q(`SELECT conv.id, conv.click_id, conv.tid, conv.status, conv.original_status,
		conv.payout, conv.currency, cl.campaign_id, c.name AS campaign_name, o.name AS offer_name, cl.ip, CAST(conv.created_at AS TEXT) AS created_at`+
		from+` ORDER BY conv.created_at DESC, conv.id DESC LIMIT ? OFFSET ?`), append(args, perPage, (page-1)*perPage)...)
	if err != nil {
		writeJSONOrbitra(w, http.StatusInternalServerError, jsonObject{{"status", "error"}, {"message", err.Error()}})
		return
	}
	totalPages := (total + perPage - 1) / perPage
	writeJSONOrbitra(w, http.StatusOK, jsonObject{
		{"status", "success"},
		{"data", data},
		{"pagination", jsonObject{{"total", total}, {"page", page}, {"per_page", perPage}, {"total_pages", totalPages}}},
	})
}

// apiPostbackLog is action=logs&type=postbacks as api.php at 009f41a8
// serves it.
func (o *Orbitra) apiPostbackLog(w http.ResponseWriter, r *http.Request, q url.Values) {
	limit, offset := int64(50), int64(0)
	if v, ok := param(q, "limit"); ok {
		limit = phpInt(v)
	}
	if v, ok := param(q, "offset"); ok {
		offset = phpInt(v)
	}
	data, err := queryObjects(r, o.db, o.q(`
		SELECT conv.id, conv.click_id, conv.status, conv.original_status, conv.payout, conv.currency, CAST(conv.created_at AS TEXT) AS created_at,
		       cl.campaign_id, c.name as campaign_name
		FROM conversions conv
		LEFT JOIN clicks cl ON conv.click_id = cl.id
		LEFT JOIN campaigns c ON cl.campaign_id = c.id
		ORDER BY conv.created_at DESC
		LIMIT ? OFFSET ?`), limit, offset)
	if err != nil {
		writeJSONOrbitra(w, http.StatusInternalServerError, jsonObject{{"status", "error"}, {"message", err.Error()}})
		return
	}
	writeJSONOrbitra(w, http.StatusOK, jsonObject{{"status", "success"}, {"data", data}})
}

// queryObjects runs a query and returns its rows as JSON objects in column
// order, each value typed as PHP 8.1's PDO SQLite returns it: INTEGER as
// an int, REAL as a float, TEXT as a string, NULL as null. (A DATETIME
// column must be selected as CAST(… AS TEXT): the Go driver would
// otherwise turn its text into a time.)
func queryObjects(r *http.Request, db *sql.DB, query string, args ...any) ([]jsonObject, error) {
	rows, err := db.QueryContext(r.Context(), query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []jsonObject{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		obj := make(jsonObject, len(cols))
		for i, c := range cols {
			v := vals[i]
			switch x := v.(type) {
			case float64:
				v = phpFloat(x)
			case []byte:
				v = string(x)
			}
			obj[i] = jsonField{c, v}
		}
		out = append(out, obj)
	}
	return out, rows.Err()
}

// jsonField is one member of a jsonObject.
type jsonField struct {
	Key   string
	Value any
}

// jsonObject is a JSON object that keeps its members' order, as a PHP
// associative array does.
type jsonObject []jsonField

// MarshalJSON writes the members in order.
func (o jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		v, err := marshalNoHTML(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalNoHTML is json.Marshal without escaping <, > and &, which PHP
// leaves as they are.
func marshalNoHTML(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeJSONOrbitra answers v as Orbitra's PHP does: Content-Type
// application/json and json_encode()'s escapes.
func writeJSONOrbitra(w http.ResponseWriter, status int, v any) {
	js, err := marshalNoHTML(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(phpJSONEscape(js))
}
