package control

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// listen returns a loopback listener closed with the test.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// journalReply is the JSON of GET /journal.
type journalReply struct {
	Deliveries     []simulator.DeliveryRecord `json:"deliveries"`
	Offset         int64                      `json:"offset"`
	Next           int64                      `json:"next"`
	Total          int64                      `json:"total"`
	RolledOff      int64                      `json:"rolled_off"`
	NotesRolledOff int64                      `json:"notes_rolled_off"`
}

// TestJournalPaging: GET /journal pages with offset and limit (at most
// MaxJournalPage), and says how many deliveries rolled off the journal.
func TestJournalPaging(t *testing.T) {
	sim := newSim(t, "http://127.0.0.1:9")
	sim.Journal.Capacity = 3
	srv := serve(t, sim)
	for range 5 {
		if status, out := post(t, srv, "/fire", `{"event":"initial_purchase","role":"affiliate","tid":"abc","url":"http://127.0.0.1:9/?c={tid}"}`); status != 200 {
			t.Fatalf("fire: %d %v", status, out)
		}
	}
	get := func(query string) (int, journalReply, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/journal" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var raw json.RawMessage
		json.NewDecoder(resp.Body).Decode(&raw)
		var out journalReply
		json.Unmarshal(raw, &out)
		return resp.StatusCode, out, string(raw)
	}
	for _, c := range []struct {
		query                string
		n                    int
		offset, next, rolled int64
	}{
		{"", 3, 2, 5, 2},
		{"?limit=1", 1, 2, 3, 2},
		{"?offset=3&limit=10", 2, 3, 5, 2},
		{"?offset=5", 0, 5, 5, 2},
	} {
		status, out, raw := get(c.query)
		if status != 200 || len(out.Deliveries) != c.n || out.Offset != c.offset || out.Next != c.next || out.Total != 5 || out.RolledOff != c.rolled {
			t.Errorf("GET /journal%s: %d %s; want %d deliveries from %d, next %d, total 5, rolled_off %d", c.query, status, raw, c.n, c.offset, c.next, c.rolled)
		}
	}
	for _, c := range []struct{ query, param string }{
		{"?limit=1001", "limit"},
		{"?limit=0", "limit"},
		{"?limit=x", "limit"},
		{"?offset=-1", "offset"},
		{"?offset=1&offset=2", "offset"},
		{"?page=2", "page"},
	} {
		status, _, raw := get(c.query)
		if status != 400 || !strings.Contains(raw, `"param":"`+c.param+`"`) {
			t.Errorf("GET /journal%s: %d %s; want 400 naming %s", c.query, status, raw, c.param)
		}
	}
}
