package tracker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbsim/cbsim/tracker"
)

const testKey = "test-key"

// clock is a settable clock for Config.Now.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a served tracker with one campaign, "camp".
type fixture struct {
	t     *testing.T
	srv   *tracker.Server
	clock *clock
}

// newFixture serves a tracker on :memory: (or on dbPath when set) with the
// test api key and the campaign "camp"; cfg fields left empty get defaults.
func newFixture(t *testing.T, cfg tracker.Config) *fixture {
	t.Helper()
	c := newClock()
	if cfg.Now == nil {
		cfg.Now = c.Now
	}
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	if cfg.Campaigns == nil {
		cfg.Campaigns = []tracker.Campaign{{Name: "camp", OfferURL: "http://127.0.0.1:8700/hop?affiliate=aff01&vendor=ven01&tid={clickid}"}}
	}
	srv, err := tracker.NewServer(cfg)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	t.Cleanup(srv.Close)
	return &fixture{t: t, srv: srv, clock: c}
}

// tempDB returns a database path in a fresh temporary directory.
func tempDB(t *testing.T) string { return filepath.Join(t.TempDir(), "tracker.db") }

// reply is a decoded HTTP reply.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (f *fixture) do(method, path string, body string) reply {
	f.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && strings.HasPrefix(string(raw), "{") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			f.t.Fatalf("%s %s: body %q: %v", method, path, raw, err)
		}
	}
	return r
}

func (f *fixture) get(path string) reply { f.t.Helper(); return f.do(http.MethodGet, path, "") }

// click creates a click on campaign "camp" and returns its id.
func (f *fixture) click() string {
	f.t.Helper()
	r := f.get("/camp?format=json")
	if r.status != http.StatusOK {
		f.t.Fatalf("click: status %d: %s", r.status, r.raw)
	}
	return r.body["clickid"].(string)
}

// postback sends GET /postback with the given parameters.
func (f *fixture) postback(params ...string) reply {
	f.t.Helper()
	return f.get("/postback?" + query(params...))
}

// query builds a query from name, value pairs, keeping their order.
func query(params ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(params); i += 2 {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(params[i]) + "=" + url.QueryEscape(params[i+1]))
	}
	return b.String()
}

// items returns the items of a reporting API call, failing unless it is 200.
// A log (/conversions, /tracks) asked without date_from or date_to gets
// 2000-01-01 or 2100-12-31: RedTrack requires both.
func (f *fixture) items(path string) ([]map[string]any, int) {
	f.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	if strings.HasPrefix(path, "/conversions") || strings.HasPrefix(path, "/tracks") {
		for name, day := range map[string]string{"date_from": "2000-01-01", "date_to": "2100-12-31"} {
			if !strings.Contains(path, name+"=") {
				path += sep + name + "=" + day
				sep = "&"
			}
		}
	}
	r := f.get(path + sep + "api_key=" + testKey)
	if r.status != http.StatusOK {
		f.t.Fatalf("GET %s: status %d: %s", path, r.status, r.raw)
	}
	var out struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	if err := json.Unmarshal([]byte(r.raw), &out); err != nil {
		f.t.Fatalf("GET %s: %v", path, err)
	}
	return out.Items, out.Total
}

// check is one assertion on a reply.
type check func(t *testing.T, r reply)

func hasStatus(want int) check {
	return func(t *testing.T, r reply) {
		t.Helper()
		if r.status != want {
			t.Errorf("status = %d, want %d (body %s)", r.status, want, r.raw)
		}
	}
}

func hasField(name, want string) check {
	return func(t *testing.T, r reply) {
		t.Helper()
		if got, _ := r.body[name].(string); got != want {
			t.Errorf("%s = %q, want %q (body %s)", name, got, want, r.raw)
		}
	}
}

func errorContains(sub string) check {
	return func(t *testing.T, r reply) {
		t.Helper()
		if got, _ := r.body["error"].(string); !strings.Contains(got, sub) {
			t.Errorf("error = %q, want it to contain %q", got, sub)
		}
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range tracker.Modes() {
		got, err := tracker.ParseMode(string(m))
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %q, %v", m, got, err)
		}
	}
	_, err := tracker.ParseMode("New")
	if err == nil || !strings.Contains(err.Error(), "new, new_marked, ignore, edit, add_payout, ignore_event_id") {
		t.Errorf("ParseMode(New) error = %v, want one listing the modes", err)
	}
}

// parseCase is one input of a parser: what it must give, or the error it
// must say.
type parseCase[T comparable] struct {
	in      string
	want    T
	wantErr string
}

// testParse runs parse on every case, as a subtest named after the input.
// A value parsed without error must print back as its input when it has a
// String method.
func testParse[T comparable](t *testing.T, parse func(string) (T, error), cases []parseCase[T]) {
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("= %+v, %v, want %+v", got, err, tc.want)
			}
			if s, ok := any(got).(fmt.Stringer); ok && s.String() != tc.in {
				t.Errorf("String() = %q, want %q", s.String(), tc.in)
			}
		})
	}
}

func TestParseConversionType(t *testing.T) {
	testParse(t, tracker.ParseConversionType, []parseCase[tracker.ConversionType]{
		{in: "InitialPurchase", want: tracker.ConversionType{Name: "InitialPurchase"}},
		{in: "UpsellPurchase:add_payout", want: tracker.ConversionType{Name: "UpsellPurchase", Mode: tracker.ModeAddPayout}},
		{in: "Lead:ignore_event_id", want: tracker.ConversionType{Name: "Lead", Mode: tracker.ModeIgnoreEventID}},
		{in: "", wantErr: "empty name"},
		{in: ":new", wantErr: "empty name"},
		{in: "Lead:sometimes", wantErr: "allowed: new,"},
		{in: "Two Words", wantErr: "printable ASCII"},
	})
}

func TestParseCampaign(t *testing.T) {
	testParse(t, tracker.ParseCampaign, []parseCase[tracker.Campaign]{
		{in: "aff=http://127.0.0.1:8700/hop?tid={clickid}&a=b", want: tracker.Campaign{Name: "aff", OfferURL: "http://127.0.0.1:8700/hop?tid={clickid}&a=b"}},
		{in: "aff", wantErr: "want NAME=URL"},
		{in: "=http://x/", wantErr: "name is empty"},
		{in: "postback=http://x/", wantErr: "reserved"},
		{in: "a/b=http://x/", wantErr: "letters, digits"},
		{in: "aff=/relative", wantErr: "absolute http(s) URL"},
	})
}

func TestOpenConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     tracker.Config
		wantErr string
	}{
		{"BadMode", tracker.Config{DuplicateMode: "sometimes"}, "unknown duplicate mode"},
		{"DefaultTypeUnknown", tracker.Config{DefaultType: "Sale"}, `default type "Sale" is not a configured`},
		{"TypeTwice", tracker.Config{ConversionTypes: []tracker.ConversionType{{Name: "A"}, {Name: "A"}}}, "configured twice"},
		{"NoTypes", tracker.Config{ConversionTypes: []tracker.ConversionType{}}, "no conversion types"},
		{"BadCampaign", tracker.Config{Campaigns: []tracker.Campaign{{Name: "x", OfferURL: "nope"}}}, "absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := tracker.Open(tt.cfg)
			if err == nil {
				tr.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t, tracker.Config{})
	r := f.get("/healthz")
	hasStatus(http.StatusOK)(t, r)
	hasField("status", "ok")(t, r)
}

func decode(resp *http.Response, v any) error {
	return json.NewDecoder(resp.Body).Decode(v)
}
