package control

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestIntegrationsChange: PUT replaces the integrations with a file's
// JSON, PATCH changes one; faults name their field; the secrets of new
// URLs are masked in the answers and the journal; a fire takes the new
// URL.
func TestIntegrationsChange(t *testing.T) {
	const putSecret, patchSecret = "PutSecret77", "PatchSecret88"
	rc := newReceiver(t)
	srv := serve(t, newSim(t, rc.URL))
	file := `{"integrations":[
		{"name":"a","role":"affiliate","events":["initial_purchase"],"url":"` + rc.URL + `/a?c={tid}&api_key=` + putSecret + `"},
		{"name":"b","role":"vendor","events":["initial_purchase"],"per_event":true,"urls":{"initial_purchase":"` + rc.URL + `/b?c={vtid}"}}]}`
	for _, s := range []struct {
		name, method, path, body string
		status                   int
		param                    string // of an error
		want                     string // of a 200: name:active:url-or-urls, per integration
	}{
		{"put", "PUT", "/integrations", file, 200, "", "a:true:" + rc.URL + "/a?c={tid}&api_key=*** b:true:" + rc.URL + "/b?c={vtid}"},
		{"put bad role", "PUT", "/integrations", `{"integrations":[{"name":"x","role":"boss","events":["initial_purchase"],"url":"http://x/"}]}`, 400, "integrations[0].role", ""},
		{"put twice", "PUT", "/integrations", `{"integrations":[{"name":"x","role":"vendor","events":["initial_purchase"],"url":"http://x/"},{"name":"x","role":"vendor","events":["initial_purchase"],"url":"http://x/"}]}`, 400, "integrations[1].name", ""},
		{"put unknown field", "PUT", "/integrations", `{"integrations":[],"x":1}`, 400, "", ""},
		{"patch off", "PATCH", "/integrations/a", `{"active":false}`, 200, "", "a:false:" + rc.URL + "/a?c={tid}&api_key=*** b:true:" + rc.URL + "/b?c={vtid}"},
		{"patch unknown", "PATCH", "/integrations/zz", `{"active":true}`, 404, "name", ""},
		{"patch bad url", "PATCH", "/integrations/a", `{"url":"ftp://x/"}`, 400, "url", ""},
		{"patch per-event url", "PATCH", "/integrations/b", `{"url":"http://x/"}`, 400, "url", ""},
		{"patch nothing", "PATCH", "/integrations/a", `{}`, 400, "active", ""},
		{"patch both", "PATCH", "/integrations/a", `{"active":true,"url":"` + rc.URL + `/new?c={tid}&token=` + patchSecret + `"}`, 200, "",
			"a:true:" + rc.URL + "/new?c={tid}&token=*** b:true:" + rc.URL + "/b?c={vtid}"},
		{"get", "GET", "/integrations", "", 200, "", "a:true:" + rc.URL + "/new?c={tid}&token=*** b:true:" + rc.URL + "/b?c={vtid}"},
		{"patch is by name", "GET", "/integrations/a", "", 405, "", ""},
		{"no DELETE", "DELETE", "/integrations", "", 405, "", ""},
	} {
		code, body := call(t, srv, s.method, s.path, s.body)
		if strings.Contains(body, putSecret) || strings.Contains(body, patchSecret) {
			t.Fatalf("%s: the answer shows a secret: %s", s.name, body)
		}
		if code != s.status {
			t.Fatalf("%s: %d %s; want %d", s.name, code, body, s.status)
		}
		if code != 200 {
			var e struct{ Error, Param string }
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Param != s.param || e.Error == "" {
				t.Fatalf("%s: error %s; want one naming %q", s.name, body, s.param)
			}
			continue
		}
		var list []integrationRecord
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatalf("%s: %v in %s", s.name, err, body)
		}
		var got []string
		for _, in := range list {
			u := in.URL
			if in.PerEvent {
				u = in.URLs["initial_purchase"]
			}
			got = append(got, fmt.Sprintf("%s:%v:%s", in.Name, in.Active, u))
		}
		if strings.Join(got, " ") != s.want {
			t.Fatalf("%s: %q\nwant %q", s.name, got, s.want)
		}
	}
	before := rc.hits.Load()
	if code, body := call(t, srv, "POST", "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"a","tid":"t1"}`); code != 200 ||
		!strings.Contains(body, "/new?c=t1&token=***") || rc.hits.Load() != before+1 {
		t.Fatalf("fire after the patch: %d %s", code, body)
	}
	if _, body := call(t, srv, "GET", "/journal", ""); strings.Contains(body, patchSecret) {
		t.Fatalf("the journal shows the patched URL's secret: %s", body)
	}
}

// TestIntegrationsSwapWhileFiring: PATCH changes the integrations
// while fires and journeys run (run with -race).
func TestIntegrationsSwapWhileFiring(t *testing.T) {
	rc := newReceiver(t)
	srv := serve(t, newSim(t, rc.URL))
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 30 {
			code, body := call(t, srv, "PATCH", "/integrations/redtrack-affiliate", fmt.Sprintf(`{"active":%v}`, i%2 == 1))
			if code != http.StatusOK {
				t.Errorf("PATCH: %d %s", code, body)
			}
		}
	})
	wg.Go(func() {
		for range 30 {
			if code, body := call(t, srv, "POST", "/journeys", `{"funnel":"keto","affiliate":"aff01"}`); code != http.StatusOK {
				t.Errorf("journey: %d %s", code, body)
			}
		}
	})
	wg.Go(func() {
		for range 30 {
			// 400 while no affiliate integration is active
			if code, body := call(t, srv, "POST", "/fire", `{"event":"initial_purchase","role":"affiliate"}`); code != http.StatusOK && code != http.StatusBadRequest {
				t.Errorf("fire: %d %s", code, body)
			}
		}
	})
	wg.Wait()
}

// TestIntegrationsRefusedChangeKeepsNoSecret: a refused PUT or PATCH
// changes nothing — not even the masking: what its URL called a secret is
// masked in the refusal only, so a word like "initial_purchase" is not
// turned into *** in every later answer.
func TestIntegrationsRefusedChangeKeepsNoSecret(t *testing.T) {
	rc := newReceiver(t)
	srv := serve(t, newSim(t, rc.URL))
	for _, c := range []struct{ method, path, body string }{
		{"PATCH", "/integrations/nosuch", `{"url":"http://x/?api_key=initial_purchase"}`},
		{"PATCH", "/integrations/a", `{"url":"ftp://x/?api_key=initial_purchase"}`},
		{"PUT", "/integrations", `{"integrations":[{"name":"x","role":"boss","events":["initial_purchase"],"url":"http://x/?token=initial_purchase"}]}`},
	} {
		code, body := call(t, srv, c.method, c.path, c.body)
		if code < 400 {
			t.Fatalf("%s %s: %d, want a refusal", c.method, c.path, code)
		}
		if strings.Contains(body, "api_key=initial_purchase") || strings.Contains(body, "token=initial_purchase") {
			t.Fatalf("%s %s: the refusal shows the secret: %s", c.method, c.path, body)
		}
	}
	code, body := call(t, srv, "GET", "/integrations", "")
	if code != 200 || !strings.Contains(body, `"initial_purchase"`) || strings.Contains(body, "***") {
		t.Fatalf("after refused changes GET /integrations masks what they named: %d %s", code, body)
	}
}
