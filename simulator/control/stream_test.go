package control

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// sse is one server-sent event as a client reads it; a comment is typ ":".
type sse struct {
	id, typ, data string // id without the server instance: "EPOCH.N"
	raw           string // the whole id, "INSTANCE.EPOCH.N", for Last-Event-ID
}

// openStream opens GET /journal/stream on base with header values
// (name, value, ...) and returns the status and a channel of its events,
// closed when the stream ends. The stream closes with the test.
func openStream(t *testing.T, base, query string, header ...string) (int, <-chan sse) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/journal/stream"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan sse, 100)
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		close(out)
		return resp.StatusCode, out
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.typ != "" {
					out <- ev
				}
				ev = sse{}
			case strings.HasPrefix(line, ":"):
				ev.typ = ":"
			case strings.HasPrefix(line, "id: "):
				ev.raw = line[4:]
				_, ev.id, _ = strings.Cut(ev.raw, ".")
			case strings.HasPrefix(line, "event: "):
				ev.typ = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			default:
				t.Errorf("stream line %q", line)
			}
		}
	}()
	return resp.StatusCode, out
}

// next returns the next event that is not a comment, failing after a
// deadline.
func next(t *testing.T, events <-chan sse) sse {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if ev.typ != ":" {
				return ev
			}
		case <-deadline:
			t.Fatal("no event within 5s")
		}
	}
}

// untilComment returns the events before the next comment (heartbeat).
func untilComment(t *testing.T, events <-chan sse) []sse {
	t.Helper()
	var out []sse
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if ev.typ == ":" {
				return out
			}
			out = append(out, ev)
		case <-deadline:
			t.Fatal("no heartbeat within 5s")
		}
	}
}

// heartbeat sets the streams' heartbeat (tests only).
func heartbeat(d time.Duration) Option { return func(h *Handler) { h.heartbeat = d } }

// TestStreamLive: with a secret set, a fire shows up on an open stream as
// its note and its delivery, masked and numbered; DELETE /journal sends
// reset and the numbers start again; Server.Close ends the stream instead
// of waiting for it.
func TestStreamLive(t *testing.T) {
	const secret = "Str3amSecret"
	rc := newReceiver(t)
	sim := newSim(t, rc.URL)
	ins, err := simulator.ParseIntegrations("ins.json", []byte(`{"integrations":[{"name":"a","role":"affiliate",
		"events":["initial_purchase"],"url":"`+rc.URL+`/postback?clickid={tid}&api_key=`+secret+`"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sim.Integrations = ins
	srv, err := NewServer(sim, WithSecrets(secret), heartbeat(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	status, events := openStream(t, srv.URL, "")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if got := untilComment(t, events); len(got) != 0 {
		t.Fatalf("an empty journal streamed %v", got)
	}
	fire := `{"event":"initial_purchase","role":"affiliate","integration":"a","tid":"Bad TID!"}`
	if code, body := call(t, srv, "POST", "/fire", fire); code != http.StatusOK {
		t.Fatalf("fire: %d %s", code, body)
	}
	if ev := next(t, events); ev.typ != "note" || !strings.Contains(ev.data, `"kind":"tid_dropped"`) {
		t.Fatalf("first event %+v; want the dropped TID's note", ev)
	}
	ev := next(t, events)
	var rec simulator.DeliveryRecord
	if err := json.Unmarshal([]byte(ev.data), &rec); err != nil {
		t.Fatalf("delivery data %q: %v", ev.data, err)
	}
	if ev.typ != "delivery" || ev.id != "0.0" || rec.N == nil || *rec.N != 0 || !rec.Delivered || rec.At.IsZero() {
		t.Fatalf("delivery event %+v; want id 0, n 0, delivered, at", ev)
	}
	if strings.Contains(ev.data, secret) || !strings.Contains(rec.URL, "api_key=***") {
		t.Fatalf("the stream shows the secret: %s", rec.URL)
	}
	if code, _ := call(t, srv, "DELETE", "/journal", ""); code != http.StatusNoContent {
		t.Fatalf("DELETE /journal: %d", code)
	}
	if ev := next(t, events); ev.typ != "reset" || ev.data != `{"next":0}` || ev.id != "1.-1" {
		t.Fatalf("after DELETE /journal: %+v; want reset", ev)
	}
	call(t, srv, "POST", "/fire", `{"event":"initial_purchase","role":"affiliate","integration":"a","tid":"ok1"}`)
	if ev := next(t, events); ev.typ != "delivery" || ev.id != "1.0" {
		t.Fatalf("after the reset: %+v; want delivery 0 again, in epoch 1", ev)
	}
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Close hangs on an open stream")
	}
	for range events { // the stream ends
	}
}

// TestStreamStart: where a stream starts: ?from, Last-Event-ID, a rolled-off
// number, a number past the end (a reset), and bad values.
func TestStreamStart(t *testing.T) {
	sim, h, url, fire := streamServer(t)
	sim.Journal.Capacity = 3
	fire(4) // 0 rolls off
	for _, c := range []struct {
		name, query string
		header      []string
		status      int
		want        string // the events before the first heartbeat: "reset" or ids
	}{
		{"default", "", nil, 200, "0.1 0.2 0.3"},
		{"from", "?from=2", nil, 200, "0.2 0.3"},
		{"rolled off", "?from=0", nil, 200, "0.1 0.2 0.3"},
		{"at the end", "?from=4", nil, 200, ""},
		{"past the end", "?from=9", nil, 200, "reset 0.1 0.2 0.3"},
		{"Last-Event-ID", "?from=1", []string{"Last-Event-ID", h.instance + ".0.2"}, 200, "0.3"},
		{"Last-Event-ID of another epoch", "?from=1", []string{"Last-Event-ID", h.instance + ".7.2"}, 200, "reset 0.1 0.2 0.3"},
		{"Last-Event-ID of another server", "?from=1", []string{"Last-Event-ID", "0123abcd.0.2"}, 200, "reset 0.1 0.2 0.3"},
		{"Last-Event-ID before any delivery", "", []string{"Last-Event-ID", h.instance + ".0.-1"}, 200, "0.1 0.2 0.3"},
		{"bad from", "?from=x", nil, 400, ""},
		{"unknown param", "?offset=1", nil, 400, ""},
		{"bad Last-Event-ID", "", []string{"Last-Event-ID", "-1"}, 400, ""},
		{"Last-Event-ID without epoch", "", []string{"Last-Event-ID", "2"}, 400, ""},
		{"Last-Event-ID without instance", "", []string{"Last-Event-ID", "0.2"}, 400, ""},
		{"Last-Event-ID bad number", "", []string{"Last-Event-ID", h.instance + ".0.x"}, 400, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, events := openStream(t, url, c.query, c.header...)
			if status != c.status {
				t.Fatalf("status %d, want %d", status, c.status)
			}
			if status != 200 {
				return
			}
			if got, _ := eventIDs(t, events); got != c.want {
				t.Fatalf("events %q, want %q", got, c.want)
			}
		})
	}
}

// streamServer serves a simulator's control API with a short heartbeat,
// and returns the simulator, the handler, its URL and a function that
// fires n vendor postbacks.
func streamServer(t *testing.T) (*simulator.Simulator, *Handler, string, func(n int)) {
	t.Helper()
	rc := newReceiver(t)
	sim := newSim(t, rc.URL)
	h := NewHandler(sim, 1, heartbeat(20*time.Millisecond))
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	t.Cleanup(h.CloseStreams)
	fire := func(n int) {
		for range n {
			if _, err := sim.Fire(context.Background(), simulator.FireRequest{Event: simulator.InitialPurchase, Role: simulator.RoleVendor, URL: rc.URL + "/v"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return sim, h, ts.URL, fire
}

// eventIDs reads the events before the next heartbeat: "reset", or a
// delivery's id without the instance ("EPOCH.N"), space-separated; and
// the whole id of the last one, for Last-Event-ID.
func eventIDs(t *testing.T, events <-chan sse) (ids, last string) {
	t.Helper()
	var got []string
	for _, ev := range untilComment(t, events) {
		if ev.typ == "reset" {
			got = append(got, "reset")
		} else {
			got = append(got, ev.id)
		}
		last = ev.raw
	}
	return strings.Join(got, " "), last
}

// TestStreamReconnectAcrossReset: a client that read deliveries 0 and 1,
// and reconnects after the journal was cleared and five new deliveries
// came, is told of the reset and gets all five: its Last-Event-ID names
// the journal's epoch (its count of resets) beside the number.
func TestStreamReconnectAcrossReset(t *testing.T) {
	sim, _, url, fire := streamServer(t)
	fire(2)
	_, events := openStream(t, url, "")
	ids, last := eventIDs(t, events)
	if ids != "0.0 0.1" {
		t.Fatalf("before the reset: %q, want 0.0 0.1", ids)
	}
	sim.Journal.Reset()
	fire(5)
	_, events = openStream(t, url, "", "Last-Event-ID", last)
	if got, _ := eventIDs(t, events); got != "reset 1.0 1.1 1.2 1.3 1.4" {
		t.Fatalf("after reconnecting with %q: %q, want reset 1.0 1.1 1.2 1.3 1.4", last, got)
	}
}

// TestStreamReconnectAfterRestart: a client that read deliveries 0 and 1
// from one server and reconnects to a new one (a restart: the journal
// starts again, its count of resets too) is told of the reset and gets
// every delivery of the new journal: an event id names the server
// instance beside the epoch.
func TestStreamReconnectAfterRestart(t *testing.T) {
	_, _, url1, fire1 := streamServer(t)
	fire1(2)
	_, events := openStream(t, url1, "")
	_, last := eventIDs(t, events)
	_, _, url2, fire2 := streamServer(t)
	fire2(5)
	_, events = openStream(t, url2, "", "Last-Event-ID", last)
	if got, _ := eventIDs(t, events); got != "reset 0.0 0.1 0.2 0.3 0.4" {
		t.Fatalf("reconnecting to a new server with %q: %q, want reset 0.0 0.1 0.2 0.3 0.4", last, got)
	}
}

// TestStreamNeedsToken: the stream is guarded like the rest of the API.
func TestStreamNeedsToken(t *testing.T) {
	const token = "stream-Token-1"
	srv, err := NewServer(newSim(t, "http://127.0.0.1:1"), WithToken(token), heartbeat(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, c := range []struct {
		name   string
		header []string
		status int
	}{
		{"no token", nil, http.StatusUnauthorized},
		{"wrong token", []string{"Authorization", "Bearer nope-nope"}, http.StatusUnauthorized},
		{"cross-origin", []string{"Authorization", "Bearer " + token, "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"token", []string{"Authorization", "Bearer " + token}, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			if status, _ := openStream(t, srv.URL, "", c.header...); status != c.status {
				t.Fatalf("status %d, want %d", status, c.status)
			}
		})
	}
}
