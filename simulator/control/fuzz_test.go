package control

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// answerOK is a transport that answers every request 200 without any
// network: fuzzed bodies may name any URL.
type answerOK struct{}

func (answerOK) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"status":"ok"}`)), Request: r}, nil
}

// FuzzControlAPI: whatever the body, the control API answers 200, 400, 404
// or 405 (never a 5xx) with one JSON value: an "error" for a refusal;
// "deliveries" and "notes" for a run, which is answered only for a body
// that is exactly one JSON object; and a dry run journals nothing.
func FuzzControlAPI(f *testing.F) {
	c, ins, err := simulator.LoadDefaults()
	if err != nil {
		f.Fatal(err)
	}
	sim := simulator.New(c, ins)
	if err := sim.Rebase("http://127.0.0.1:1"); err != nil {
		f.Fatal(err)
	}
	sim.Dispatcher.Client = &http.Client{Transport: answerOK{}}
	h := NewHandler(sim, 1)
	for _, s := range []string{
		`{"event":"initial_purchase","role":"affiliate","tid":"abc123","price":"100.00","commission":"50"}`,
		`{"event":"initial_purchase","role":"affiliate","tid":"abc","dry_run":true,"seed":9}`,
		`{"event":"Upsell Purchase","role":"vendor","vtid":"v_1","currency":"EUR","item":"FIT-FE","vendor":"ven02","affiliate":""}`,
		`{"event":"initial_purchase","url":"http://t.example/p?c={tid}&s={affiliate_earnings}","tid_rule":"legacy8","tid":"AbC"}`,
		`{"event":"refund","role":"affiliate"}`, `{"colour":"red"}`, ``, `null`, `[]`, `{"seed":-1}`, `{"price":"1e3"}`,
		`{"event":"initial_purchase","role":"affiliate","params":{"aff_sub1":"x y"},"test_fire":true}`,
	} {
		f.Add(uint8(0), []byte(s))
	}
	for _, s := range []string{`{"funnel":"keto","affiliate":"aff01","tid":"abc","accept":[true,false]}`,
		`{"funnel":"fitness-eur","affiliate":"aff02","abandon":true,"dry_run":true}`, `{"funnel":"nope"}`,
		`{"funnel":"keto","affiliate":"aff01","params":{"colour":"red"}}`, `{"funnel":"keto","tid_rule":"x"}`} {
		f.Add(uint8(1), []byte(s))
	}
	f.Add(uint8(2), []byte(nil))
	f.Add(uint8(3), []byte("x"))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		sim.Journal.Reset()
		method, path := "POST", "/fire"
		switch which % 6 {
		case 1:
			path = "/journeys"
		case 2:
			method, path = "GET", "/journal"
		case 3:
			method = "PUT"
		case 4:
			method, path = "GET", "/integrations"
		case 5:
			path = "/nope"
		}
		w := httptest.NewRecorder()
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.Host = "127.0.0.1:8080" // a loopback client, as the API answers without a token
		if which < 128 {          // the upper half sends no Content-Type: 415
			r.Header.Set("Content-Type", "application/json")
		}
		h.ServeHTTP(w, r)
		switch w.Code {
		case 200, 400, 404, 405, 415:
		default:
			t.Fatalf("%s %s %q: status %d: %s", method, path, body, w.Code, w.Body)
		}
		var reply any
		if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil {
			t.Fatalf("%s %s %q: reply is not one JSON value: %v: %q", method, path, body, err, w.Body)
		}
		obj, _ := reply.(map[string]any)
		if w.Code != 200 {
			if msg, _ := obj["error"].(string); msg == "" {
				t.Fatalf("%s %s %q: status %d without an error: %s", method, path, body, w.Code, w.Body)
			}
			return
		}
		if method != "POST" {
			return
		}
		if _, ok := obj["deliveries"].([]any); !ok {
			t.Fatalf("%s %s %q: 200 without deliveries: %s", method, path, body, w.Body)
		}
		if _, ok := obj["notes"].([]any); !ok {
			t.Fatalf("%s %s %q: 200 without notes: %s", method, path, body, w.Body)
		}
		var req map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&req); err != nil || req == nil {
			t.Fatalf("%s %s %q: 200 for a body that is not a JSON object: %v", method, path, body, err)
		}
		if _, err := dec.Token(); err != io.EOF {
			t.Fatalf("%s %s %q: 200 for a body with data after its JSON object", method, path, body)
		}
		if req["dry_run"] == true && len(sim.Journal.Deliveries())+len(sim.Journal.Notes()) > 0 {
			t.Fatalf("%s %s %q: a dry run journalled something", method, path, body)
		}
	})
}
