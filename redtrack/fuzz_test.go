package redtrack_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/redtrack"
)

// pageOne answers page 1 of any log with status and body, and every later
// page with no items; nothing leaves the process.
type pageOne struct {
	status int
	body   []byte
}

func (p pageOne) RoundTrip(r *http.Request) (*http.Response, error) {
	status, body := p.status, string(p.body)
	if r.URL.Query().Get("page") != "1" {
		status, body = 200, `{"items":[],"total":0}`
	}
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

const fuzzKey = "fuzz-secret-key"

// fuzzClient is a client whose page 1 is status and body.
func fuzzClient(status int, body []byte) *redtrack.Client {
	return &redtrack.Client{BaseURL: api, APIKey: fuzzKey, HTTPClient: &http.Client{Transport: pageOne{status, body}},
		Now: func() time.Time { return fixedNow }}
}

// reencode writes v with encoding/json and the numbered fields the
// decoders read beside the tagged ones (prefix1 …).
func reencode(t *testing.T, v any, numbered map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encode %+v: %v", v, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range numbered {
		m[k] = v
	}
	b, err = json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkAPIError: a refusal is an *APIError with the status answered, and
// no error carries the api key.
func checkClientError(t *testing.T, err error, status int, body []byte) {
	t.Helper()
	if strings.Contains(err.Error(), fuzzKey) && !strings.Contains(string(body), fuzzKey) {
		t.Fatalf("error carries the api key: %v", err)
	}
	if status < 200 || status > 299 {
		if ae, ok := errors.AsType[*redtrack.APIError](err); !ok || ae.Status != status {
			t.Fatalf("status %d: error %v (%T) is not an *APIError with that status", status, err, err)
		}
	}
}

// FuzzConversions: a conversions reply either decodes into conversions
// whose payout in cents is the payout rounded to the cent, and that
// re-encoded decode to the same conversions; or fails with an error that
// is an *APIError for a non-2xx status and never carries the api key.
func FuzzConversions(f *testing.F) {
	view, err := os.ReadFile("testdata/conversion_view.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(200, []byte(`{"items":[`+string(view)+`],"total":1}`))
	for _, s := range []string{`{"items":[],"total":0}`, `{"items":[{"id":"c1","payout":45.75,"sub1":"a","p_sub20":"z","type40":3}],"total":1}`,
		`{"items":[{"payout":"NaN"}],"total":1}`, `{"items":[{"sub3":7}],"total":1}`,
		`{"items":[{"type1":"x"}],"total":1}`, `{"items":[{"cbsim":{"params":{"a":"b"},"updated_at":"t"}}],"total":1}`, `{"items":null}`,
		`[]`, ``, `{"items":[{"id":"\u0000","sub1":null}],"total":-1}`} {
		f.Add(200, []byte(s))
	}
	f.Add(400, []byte(`{"error":"bad date_from"}`))
	f.Add(500, []byte(`<html>oops</html>`))
	f.Add(302, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return // not a status net/http sends
		}
		cs, err := fuzzClient(status, body).Conversions(context.Background(), redtrack.Query{})
		if err != nil {
			checkClientError(t, err, status, body)
			return
		}
		for _, c := range cs {
			if math.IsNaN(c.Payout) || math.IsInf(c.Payout, 0) || math.Abs(float64(c.PayoutCents())-c.Payout*100) > 0.5000001 {
				t.Fatalf("payout %v decoded to %d cents", c.Payout, c.PayoutCents())
			}
			numbered := map[string]any{}
			for i := range 20 {
				numbered["sub"+strconv.Itoa(i+1)] = c.Sub[i]
				numbered["p_sub"+strconv.Itoa(i+1)] = c.PSub[i]
			}
			for i := range 40 {
				numbered["type"+strconv.Itoa(i+1)] = c.Types[i]
			}
			b := reencode(t, c, numbered)
			var back redtrack.Conversion
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("re-encoded conversion %s does not decode: %v", b, err)
			}
			if !reflect.DeepEqual(back, c) {
				t.Fatalf("re-encoded conversion decodes differently:\n%+v\n%+v", c, back)
			}
		}
	})
}

// FuzzTracks: a clicks reply either decodes into tracks that re-encoded
// decode to the same, or fails as FuzzConversions says.
func FuzzTracks(f *testing.F) {
	for _, s := range []string{`{"items":[{"id":"65f0c0ffee","campaign":"camp","campaign_id":"1","track_time":"2026-03-14T12:00:00Z","sub1":"x","sub20":"y","cbsim":{"subs":{"tid":"a"}}}],"total":1}`,
		`{"items":[{"sub21":"x","sub0":1}],"total":1}`, `{"items":[{"sub2":false}],"total":1}`, `{"items":[1],"total":1}`, `{}`} {
		f.Add(200, []byte(s))
	}
	f.Add(404, []byte(`{"error":"no such path"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		ts, err := fuzzClient(status, body).Tracks(context.Background(), redtrack.Query{})
		if err != nil {
			checkClientError(t, err, status, body)
			return
		}
		for _, tr := range ts {
			numbered := map[string]any{}
			for i := range 20 {
				numbered["sub"+strconv.Itoa(i+1)] = tr.Sub[i]
			}
			b := reencode(t, tr, numbered)
			var back redtrack.Track
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("re-encoded track %s does not decode: %v", b, err)
			}
			if !reflect.DeepEqual(back, tr) {
				t.Fatalf("re-encoded track decodes differently:\n%+v\n%+v", tr, back)
			}
		}
	})
}
