package tracker_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

// TestClickQueryBounded: a click's query is held to the postback's limits
// (MaxQueryBytes, MaxValueBytes, 128-byte names) and refused 400 naming
// what is too long, recording nothing; issue 10's 50 clicks with a 900 KB
// value each added 45 MB to the store.
func TestClickQueryBounded(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	var many []string
	for i := range 10 {
		many = append(many, fmt.Sprintf("p%d", i), strings.Repeat("y", 1000))
	}
	tests := []struct {
		name, query, param, reason string
	}{
		{"LongValue", query("sub1", strings.Repeat("x", tracker.MaxValueBytes+1)), "sub1", "longer than 1024"},
		{"LongValueJSON", query("format", "json", "utm", strings.Repeat("x", 5000)), "utm", "longer than 1024"},
		{"LongQuery", query(many...), "query", "longer than 8192"},
		{"LongName", query(strings.Repeat("n", 129), "1"), strings.Repeat("n", 32) + "…", "name is longer than 128"},
		{"Malformed", "sub1=%zz", "query", "malformed query string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get("/camp?" + tt.query)
			hasStatus(http.StatusBadRequest)(t, r)
			hasField("param", tt.param)(t, r)
			errorContains(tt.reason)(t, r)
		})
	}
	if _, n := f.items("/tracks"); n != 0 {
		t.Errorf("%d clicks recorded from refused clicks", n)
	}
	// At the limit it is a click.
	hasStatus(http.StatusFound)(t, f.get("/camp?"+query("sub1", strings.Repeat("x", tracker.MaxValueBytes))))
}

// TestRejectionsLogRolls: past Config.MaxRejections the oldest rejections
// roll off and are counted in "dropped", which survives a restart.
func TestRejectionsLogRolls(t *testing.T) {
	path := tempDB(t)
	cfg := tracker.Config{DBPath: path, MaxRejections: 5}
	f := newFixture(t, cfg)
	for i := range 12 {
		hasStatus(http.StatusNotFound)(t, f.postback("clickid", fmt.Sprintf("nope%02d", i)))
	}
	checkRejections(t, f, 5, 7, "nope07")
	f.srv.Close()

	// Reopened with a smaller log: it is trimmed at once.
	cfg.MaxRejections = 2
	g := newFixture(t, cfg)
	checkRejections(t, g, 2, 10, "nope10")
	hasStatus(http.StatusNotFound)(t, g.postback("clickid", "nope12"))
	checkRejections(t, g, 2, 11, "nope11")
}

// checkRejections checks the size of the rejections log, its dropped count
// and the click id of its oldest entry.
func checkRejections(t *testing.T, f *fixture, total, dropped int, first string) {
	t.Helper()
	r := f.get("/rejections?per=100&api_key=" + testKey)
	var out struct {
		Items   []struct{ Query string }
		Total   int
		Dropped *int
	}
	if err := json.Unmarshal([]byte(r.raw), &out); err != nil {
		t.Fatalf("/rejections: %v", err)
	}
	if out.Total != total || len(out.Items) != total || out.Dropped == nil || *out.Dropped != dropped {
		t.Fatalf("/rejections: %d items, total %d, dropped %v; want %d, %d, %d", len(out.Items), out.Total, out.Dropped, total, total, dropped)
	}
	if out.Items[0].Query != "clickid="+first {
		t.Errorf("oldest rejection %q, want clickid=%s", out.Items[0].Query, first)
	}
}

// TestRejectionsDBGrowth sends 1,000 refused postbacks of 8 KiB each
// (issue 10: 1,000 added 11 MB) to a store that keeps 10 rejections, and
// measures the database file after close.
func TestRejectionsDBGrowth(t *testing.T) {
	path := tempDB(t)
	f := newFixture(t, tracker.Config{DBPath: path, MaxRejections: 10})
	pad := strings.Repeat("z", tracker.MaxValueBytes)
	var params []string
	for i := range 7 {
		params = append(params, fmt.Sprintf("pad%d", i), pad)
	}
	for i := range 1000 {
		hasStatus(http.StatusNotFound)(t, f.postback(append([]string{"clickid", fmt.Sprint("nope", i)}, params...)...))
	}
	f.srv.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 1<<20 {
		t.Errorf("database is %d bytes after 1,000 rejections with 10 kept, want under 1 MiB", st.Size())
	}
}

// TestLargeReplyStreamed: a page of 10,000 rows is written item by item,
// not built whole in memory: no single write to the connection is larger
// than a few rows.
func TestLargeReplyStreamed(t *testing.T) {
	tr, err := tracker.Open(tracker.Config{APIKey: testKey, Campaigns: []tracker.Campaign{{Name: "camp", OfferURL: "http://127.0.0.1:8700/hop"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	h := tr.Handler()
	sub := strings.Repeat("s", 1000)
	for i := range 3000 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/camp?sub1=%d&a=%s&b=%s", i, sub, sub), nil))
		if rec.Code != http.StatusFound {
			t.Fatalf("click %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	w := &largestWrite{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/tracks?api_key="+testKey+"&date_from=2000-01-01&date_to=2100-12-31&per=10000", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("/tracks: %d", w.Code)
	}
	var out struct {
		Items []map[string]any
		Total int
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || len(out.Items) != 3000 || out.Total != 3000 {
		t.Fatalf("/tracks: %d items of %d, %v", len(out.Items), out.Total, err)
	}
	if out.Items[2999]["sub1"] != "2999" {
		t.Errorf("last item sub1 = %v, want 2999", out.Items[2999]["sub1"])
	}
	if w.Body.Len() < 6<<20 || w.largest > 64<<10 {
		t.Errorf("a %d-byte reply written with a largest write of %d bytes, want every write under 64 KiB", w.Body.Len(), w.largest)
	}
}

// largestWrite records the largest single Write.
type largestWrite struct {
	*httptest.ResponseRecorder
	largest int
}

func (w *largestWrite) Write(p []byte) (int, error) {
	w.largest = max(w.largest, len(p))
	return w.ResponseRecorder.Write(p)
}

// TestRejectionsMaskSecrets: the rejections log keeps a refused postback's
// query with the values of ptoken and api_key masked, in what it serves
// and in the database file: a postback refused for its click id carries
// the real token.
func TestRejectionsMaskSecrets(t *testing.T) {
	const token, key = "tok-Secret-7", "key-Secret-9"
	path := tempDB(t)
	f := newFixture(t, tracker.Config{DBPath: path, PostbackToken: token})
	hasStatus(http.StatusNotFound)(t, f.postback("clickid", "nope", "ptoken", token, "api_key", key, "xptoken", "shown"))
	hasStatus(http.StatusForbidden)(t, f.postback("clickid", "nope", "ptoken", "guess-Secret-1"))
	r := f.get("/rejections?per=100&api_key=" + testKey)
	var out struct{ Items []struct{ Query string } }
	if err := json.Unmarshal([]byte(r.raw), &out); err != nil {
		t.Fatalf("/rejections: %v", err)
	}
	want := []string{"clickid=nope&ptoken=***&api_key=***&xptoken=shown", "clickid=nope&ptoken=***"}
	if len(out.Items) != 2 || out.Items[0].Query != want[0] || out.Items[1].Query != want[1] {
		t.Fatalf("/rejections: %s; want the queries %q", r.raw, want)
	}
	f.srv.Close()
	matches, _ := filepath.Glob(path + "*")
	for _, p := range matches {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("Secret")) {
			t.Errorf("%s holds a secret", p)
		}
	}
}
