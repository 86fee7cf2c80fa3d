package simulator

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator/ins"
)

// testINSSecret is the secret key of the INS tests' accounts.
const testINSSecret = "MYSECRETKEY42"

// received is one POST an INS receiver got, opened with ins.Decode.
type received struct {
	contentType string
	envelope    []byte
	plaintext   []byte
	n           *ins.Notification
	err         error // why it did not open
}

// insReceiver is an httptest INS receiver that decrypts every POST with
// testINSSecret and answers with reply(k) for its k-th request (from 1).
type insReceiver struct {
	*httptest.Server
	mu  sync.Mutex // guards got
	got []received
}

func newINSReceiver(t *testing.T, reply func(k int, w http.ResponseWriter, r *http.Request)) *insReceiver {
	t.Helper()
	rc := &insReceiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		g := received{contentType: r.Header.Get("Content-Type"), envelope: body}
		if r.Method != http.MethodPost {
			g.err = errors.New("method " + r.Method)
		} else if g.plaintext, g.err = ins.Decode(body, testINSSecret); g.err == nil {
			g.n, g.err = ins.Parse(g.plaintext)
		}
		rc.mu.Lock()
		rc.got = append(rc.got, g)
		k := len(rc.got)
		rc.mu.Unlock()
		reply(k, w, r)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// received returns what the receiver got; each must have opened.
func (rc *insReceiver) received(t *testing.T) []received {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for i, g := range rc.got {
		if g.err != nil {
			t.Fatalf("request %d did not open: %v", i+1, g.err)
		}
		if g.contentType != "application/json" {
			t.Errorf("request %d: Content-Type %q, want application/json", i+1, g.contentType)
		}
	}
	return slices.Clone(rc.got)
}

// attemptCounts returns the attemptCount of each notification received.
func attemptCounts(gs []received) []int {
	out := make([]int, len(gs))
	for i, g := range gs {
		out[i] = g.n.AttemptCount
	}
	return out
}

func status(code int, body string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// testSale builds the notifications of a referred $100.00 sale at 50%.
func testSale(t *testing.T, typ ins.TransactionType) []*ins.Notification {
	t.Helper()
	ns, err := ins.Build(ins.Order{Type: typ, Time: DefaultTime, Receipt: "ABCD1234", Vendor: "ven01", Affiliate: "aff01",
		TID: "clk_42", VTID: "v_7", Items: []ins.Item{{No: "sku-1", Title: "Guide", Price: 10000, Commission: 5000}}})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// fakeSleep records the waits asked for and returns at once.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	return ctx.Err()
}

func testSender(f *fakeSleep) *INSSender {
	return &INSSender{Timeout: 2 * time.Second, TimeFactor: 1e-5, Sleep: f.sleep}
}

func TestINSSenderRetries(t *testing.T) {
	t.Parallel()
	const spacing = 144 * time.Millisecond // 4 h × 1e-5
	for _, c := range []struct {
		name      string
		reply     func(int, http.ResponseWriter, *http.Request)
		delivered bool
		counts    []int
		statuses  []int
	}{
		{"FirstTime", status(200, "OK"), true, []int{1}, []int{200}},
		{"500Then200", func(k int, w http.ResponseWriter, r *http.Request) {
			if k == 1 {
				status(500, "db down")(k, w, r)
				return
			}
			status(204, "")(k, w, r)
		}, true, []int{1, 2}, []int{500, 204}},
		{"Never2xx", status(503, "busy"), false, []int{1, 2, 3, 4, 5}, []int{503, 503, 503, 503, 503}},
		{"RedirectNotFollowed", func(k int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, false, []int{1, 2, 3, 4, 5}, []int{302, 302, 302, 302, 302}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rc := newINSReceiver(t, c.reply)
			var fs fakeSleep
			ns := testSale(t, ins.Sale)[:1]
			ds, err := testSender(&fs).Send(context.Background(), INSTarget{URLs: []string{rc.URL}, Secret: testINSSecret}, ns)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 1 {
				t.Fatalf("%d deliveries, want 1", len(ds))
			}
			d := ds[0]
			if d.Delivered != c.delivered {
				t.Errorf("delivered = %v, want %v: %+v", d.Delivered, c.delivered, d.Attempts)
			}
			got := rc.received(t)
			if counts := attemptCounts(got); !slices.Equal(counts, c.counts) {
				t.Errorf("receiver saw attemptCount %v, want %v", counts, c.counts)
			}
			var statuses []int
			for i, a := range d.Attempts {
				statuses = append(statuses, a.Status)
				if a.N != i+1 || a.URL != rc.URL {
					t.Errorf("attempt %d: N %d URL %q", i+1, a.N, a.URL)
				}
				if (a.Status >= 200 && a.Status < 300) != (a.Error == "") {
					t.Errorf("attempt %d: status %d with error %q", i+1, a.Status, a.Error)
				}
			}
			if !slices.Equal(statuses, c.statuses) {
				t.Errorf("statuses %v, want %v", statuses, c.statuses)
			}
			wantWaits := slices.Repeat([]time.Duration{spacing}, len(c.counts)-1)
			if !slices.Equal(fs.waits, wantWaits) || !slices.Equal(d.Waits, wantWaits) {
				t.Errorf("waits %v (recorded %v), want %v", fs.waits, d.Waits, wantWaits)
			}
			// Each attempt is sealed afresh: the count is inside the ciphertext.
			for i := 1; i < len(got); i++ {
				if string(got[i].envelope) == string(got[i-1].envelope) {
					t.Errorf("attempts %d and %d posted the same envelope", i, i+1)
				}
			}
			// Apart from attemptCount, every attempt carries the same payload.
			want, _ := ns[0].Marshal()
			first := *got[0].n
			if b, _ := first.Marshal(); string(b) != string(want) {
				t.Errorf("first attempt's payload\n%s\nwant\n%s", b, want)
			}
			if d.Type != ins.Sale || d.Role != ins.Vendor || d.Receipt != "ABCD1234" || d.Version != ins.Version7 {
				t.Errorf("delivery is %s/%s/%s/%s", d.Type, d.Role, d.Receipt, d.Version)
			}
		})
	}
}

func TestINSSenderRecordsReply(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 2*maxBody)
	rc := newINSReceiver(t, status(400, "cannot decrypt: "+long))
	var fs fakeSleep
	s := testSender(&fs)
	s.Attempts = 2
	ds, err := s.Send(context.Background(), INSTarget{URLs: []string{rc.URL}, Secret: testINSSecret}, testSale(t, ins.Sale)[:1])
	if err != nil {
		t.Fatal(err)
	}
	d := ds[0]
	if len(d.Attempts) != 2 || d.Delivered || d.Status() != 400 {
		t.Fatalf("attempts %+v", d.Attempts)
	}
	a := d.Attempts[0]
	if len(a.Body) != maxBody || !strings.HasPrefix(a.Body, "cannot decrypt: ") {
		t.Errorf("body kept %d bytes %q…, want the first %d", len(a.Body), clip(a.Body, 20), maxBody)
	}
	if a.Error != "HTTP 400 Bad Request" || d.LastError() != "HTTP 400 Bad Request" {
		t.Errorf("error %q", a.Error)
	}
	if a.Latency <= 0 {
		t.Errorf("latency %v", a.Latency)
	}
}

// TestINSSenderTimeout: a receiver that takes 4 s (longer than the 3 s
// ClickBank waits; the test shortens the timeout) is a timeout, attempt
// after attempt.
func TestINSSenderTimeout(t *testing.T) {
	t.Parallel()
	rc := newINSReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(4 * time.Second):
			w.WriteHeader(200)
		case <-r.Context().Done():
		}
	})
	var fs fakeSleep
	s := testSender(&fs)
	s.Timeout = 100 * time.Millisecond
	start := time.Now()
	ds, err := s.Send(context.Background(), INSTarget{URLs: []string{rc.URL}, Secret: testINSSecret}, testSale(t, ins.Sale)[:1])
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("took %v: the timeout did not cut the attempts", el)
	}
	d := ds[0]
	if d.Delivered || len(d.Attempts) != ins.MaxAttempts {
		t.Fatalf("delivered %v after %d attempts", d.Delivered, len(d.Attempts))
	}
	for _, a := range d.Attempts {
		if a.Error != "timeout after 100ms" || a.Status != 0 || a.Latency < 100*time.Millisecond {
			t.Errorf("attempt %d: status %d error %q latency %v", a.N, a.Status, a.Error, a.Latency)
		}
	}
}

// TestINSSenderSlowBody: a 200 whose body does not end within the
// timeout is not a reply in time.
func TestINSSenderSlowBody(t *testing.T) {
	t.Parallel()
	rc := newINSReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		io.WriteString(w, "O")
		http.NewResponseController(w).Flush()
		select {
		case <-time.After(4 * time.Second):
		case <-r.Context().Done():
		}
	})
	var fs fakeSleep
	s := testSender(&fs)
	s.Timeout, s.Attempts = 100*time.Millisecond, 2
	ds, err := s.Send(context.Background(), INSTarget{URLs: []string{rc.URL}, Secret: testINSSecret}, testSale(t, ins.Sale)[:1])
	if err != nil {
		t.Fatal(err)
	}
	d := ds[0]
	if d.Delivered || len(d.Attempts) != 2 {
		t.Fatalf("delivered %v after %d attempts", d.Delivered, len(d.Attempts))
	}
	for _, a := range d.Attempts {
		if a.Status != 200 || a.Error != "reading reply: timeout after 100ms" {
			t.Errorf("attempt %d: status %d error %q", a.N, a.Status, a.Error)
		}
	}
}

// TestINSSenderTwoURLs: every notification goes to each URL, the vendor's
// and the affiliate's to both.
func TestINSSenderTwoURLs(t *testing.T) {
	t.Parallel()
	a := newINSReceiver(t, status(200, "a"))
	b := newINSReceiver(t, status(500, "b down"))
	var fs fakeSleep
	s := testSender(&fs)
	s.Attempts = 2
	ds, err := s.Send(context.Background(), INSTarget{URLs: []string{a.URL, b.URL}, Secret: testINSSecret}, testSale(t, ins.Sale))
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		url  string
		role ins.Role
	}
	var got []key
	for _, d := range ds {
		got = append(got, key{d.URL, d.Role})
		if d.Delivered != (d.URL == a.URL) {
			t.Errorf("%s %s: delivered %v", d.URL, d.Role, d.Delivered)
		}
	}
	want := []key{{a.URL, ins.Vendor}, {a.URL, ins.Affiliate}, {b.URL, ins.Vendor}, {b.URL, ins.Affiliate}}
	if !slices.Equal(got, want) {
		t.Errorf("deliveries %v, want %v", got, want)
	}
	roles := func(rc *insReceiver) []string {
		var out []string
		for _, g := range rc.received(t) {
			out = append(out, string(g.n.Role)+"#"+string(rune('0'+g.n.AttemptCount)))
		}
		slices.Sort(out)
		return out
	}
	if got := roles(a); !slices.Equal(got, []string{"AFFILIATE#1", "VENDOR#1"}) {
		t.Errorf("first URL got %v", got)
	}
	if got := roles(b); !slices.Equal(got, []string{"AFFILIATE#1", "AFFILIATE#2", "VENDOR#1", "VENDOR#2"}) {
		t.Errorf("second URL got %v", got)
	}
}

// TestINSSenderReceiverFaults: a receiver that is down, resets the
// connection or answers garbage is a failed attempt with the reason.
func TestINSSenderReceiverFaults(t *testing.T) {
	t.Parallel()
	down := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}()
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // an RST, not a FIN
			}
			conn.Close()
		}
	}))
	t.Cleanup(reset.Close)
	for _, c := range []struct {
		name, url, want string
	}{
		{"Down", "http://" + down + "/ins", "connection refused"},
		{"Reset", reset.URL + "/ins", "reset by peer|EOF|broken pipe"},
		{"Garbage", "http://" + rawReplier(t, "\x00\x17garbage, not HTTP\r\n\r\n") + "/ins", "malformed HTTP"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var fs fakeSleep
			ds, err := testSender(&fs).Send(context.Background(), INSTarget{URLs: []string{c.url}, Secret: testINSSecret}, testSale(t, ins.Sale)[:1])
			if err != nil {
				t.Fatal(err)
			}
			d := ds[0]
			if d.Delivered || len(d.Attempts) != ins.MaxAttempts {
				t.Fatalf("delivered %v after %d attempts", d.Delivered, len(d.Attempts))
			}
			for _, a := range d.Attempts {
				if a.Status != 0 || !regexp.MustCompile(c.want).MatchString(a.Error) {
					t.Errorf("attempt %d: status %d error %q, want one containing %q", a.N, a.Status, a.Error, c.want)
				}
			}
		})
	}
}

// TestINSSenderCancelStopsRetries: a ctx cancelled while the sender waits
// to retry stops it; the retry is recorded as not sent.
func TestINSSenderCancelStopsRetries(t *testing.T) {
	t.Parallel()
	rc := newINSReceiver(t, status(500, "boom"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &INSSender{Timeout: 2 * time.Second, Sleep: func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}}
	ds, err := s.Send(ctx, INSTarget{URLs: []string{rc.URL}, Secret: testINSSecret}, testSale(t, ins.Sale)[:1])
	if err != nil {
		t.Fatal(err)
	}
	d := ds[0]
	if d.Delivered || len(d.Attempts) != 2 || d.Attempts[0].Status != 500 || d.Attempts[1].Error != "not sent: context canceled" {
		t.Fatalf("attempts %+v; want the 500 and a second not sent", d.Attempts)
	}
	if n := len(rc.received(t)); n != 1 {
		t.Errorf("receiver got %d requests, want 1", n)
	}
}

// TestINSSenderRealWait: without an injected Sleep the sender waits the
// scaled spacing on a real timer.
func TestINSSenderRealWait(t *testing.T) {
	t.Parallel()
	rc := newINSReceiver(t, func(k int, w http.ResponseWriter, r *http.Request) {
		if k == 1 {
			w.WriteHeader(500)
		}
	})
	s := &INSSender{TimeFactor: 1e-5} // 4 h → 144 ms
	start := time.Now()
	ds, err := s.Send(context.Background(), INSTarget{URLs: []string{rc.URL}, Secret: testINSSecret}, testSale(t, ins.Sale)[:1])
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 144*time.Millisecond {
		t.Errorf("two attempts took %v, less than the 144ms wait", el)
	}
	if !ds[0].Delivered || len(ds[0].Attempts) != 2 {
		t.Errorf("attempts %+v", ds[0].Attempts)
	}
}

func TestINSSenderWrongTarget(t *testing.T) {
	t.Parallel()
	ns := testSale(t, ins.Sale)
	for _, c := range []struct {
		name, param string
		target      INSTarget
	}{
		{"NoURL", "url", INSTarget{Secret: testINSSecret}},
		{"ThreeURLs", "url", INSTarget{URLs: []string{"http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "http://127.0.0.1:9/c"}, Secret: testINSSecret}},
		{"NotHTTP", "url", INSTarget{URLs: []string{"ftp://127.0.0.1/ins"}, Secret: testINSSecret}},
		{"LowerCaseSecret", "secret", INSTarget{URLs: []string{"http://127.0.0.1:9/ins"}, Secret: "mysecret"}},
		{"Cipher", "cipher", INSTarget{URLs: []string{"http://127.0.0.1:9/ins"}, Secret: testINSSecret, Cipher: "des"}},
		// Encode knows the names in lower case only: a target the check
		// passed would fail every delivery.
		{"UpperCaseCipher", "cipher", INSTarget{URLs: []string{"http://127.0.0.1:9/ins"}, Secret: testINSSecret, Cipher: "AES-256-CBC"}},
		{"UpperCasePadding", "padding", INSTarget{URLs: []string{"http://127.0.0.1:9/ins"}, Secret: testINSSecret, Padding: "PKCS7"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := (&INSSender{}).Send(context.Background(), c.target, ns)
			pe, ok := errors.AsType[*ParamError](err)
			if !ok || pe.Param != c.param {
				t.Fatalf("err = %v, want a ParamError on %s", err, c.param)
			}
		})
	}
}

// TestSendINSJournals: SendINS journals every delivery apart from the
// postbacks, and Reset forgets them.
func TestSendINSJournals(t *testing.T) {
	t.Parallel()
	rc := newINSReceiver(t, status(200, "OK"))
	c, _, err := LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	sim := New(c, nil)
	ns, _, err := sim.BuildINS(INSRequest{Type: ins.Sale, Sale: FireRequest{Affiliate: DefaultAffiliate, TID: "clk42"}})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := sim.SendINS(context.Background(), INSTarget{URLs: []string{rc.URL}, Secret: testINSSecret}, ns)
	if err != nil {
		t.Fatal(err)
	}
	got := sim.Journal.INSDeliveries()
	if len(got) != 2 || len(ds) != 2 || len(sim.Journal.Deliveries()) != 0 {
		t.Fatalf("journal holds %d INS deliveries and %d postbacks; want 2 and 0", len(got), len(sim.Journal.Deliveries()))
	}
	for i, d := range got {
		if !d.Delivered || d.Attempts[0].Body != "OK" || d.Role != ns[i].Role || d.Receipt != ns[i].Receipt {
			t.Errorf("journaled %+v", d)
		}
	}
	sim.Journal.Reset()
	if n := len(sim.Journal.INSDeliveries()); n != 0 {
		t.Errorf("%d INS deliveries after Reset", n)
	}
}
