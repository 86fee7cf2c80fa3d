package tracker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/cbsim/cbsim/tracker"
)

// benchConns is the number of client connections of the HTTP benchmarks:
// wrk's 32 of issue 10.
const benchConns = 32

// seededConversions is how many conversions the "100k" click holds before
// the benchmark starts.
const seededConversions = 100_000

// BenchmarkPostbackHTTP measures postbacks per second over real HTTP
// (127.0.0.1, benchConns keep-alive connections, a file-backed store) for
// one click and one type, as a tracker sees a burst of duplicates: under
// every duplicate mode, with a fresh click and with a click that already
// holds 100,000 conversions of that type, and the same client against a
// plain "return 200" handler for comparison. Every postback carries a fresh
// rdtk_event_id. Run it with `make bench-tracker`; the figures to compare
// are postbacks/s of mode=M/click=fresh against mode=M/click=100k.
func BenchmarkPostbackHTTP(b *testing.B) {
	b.Run("plain200", func(b *testing.B) {
		srv := servePlain200(b)
		benchHTTP(b, srv+"/postback?clickid=0123456789abcdef01234567&type=InitialPurchase&sum=12.34&rdtk_event_id=")
	})
	for _, mode := range tracker.Modes() {
		for _, seeded := range []int{0, seededConversions} {
			name := "fresh"
			if seeded > 0 {
				name = "100k"
			}
			b.Run("mode="+string(mode)+"/click="+name, func(b *testing.B) {
				srv, err := tracker.NewServer(tracker.Config{
					DBPath:        tempDBB(b),
					DuplicateMode: mode,
					Campaigns:     []tracker.Campaign{{Name: "camp", OfferURL: "http://127.0.0.1:8700/hop?tid={clickid}"}},
				})
				if err != nil {
					b.Fatal(err)
				}
				defer srv.Close()
				id := benchClick(b, srv)
				if seeded > 0 {
					if err := srv.Tracker.SeedConversions(context.Background(), id, "InitialPurchase", seeded, mode); err != nil {
						b.Fatal(err)
					}
				}
				benchHTTP(b, srv.URL+"/postback?clickid="+id+"&type=InitialPurchase&sum=12.34&status=approved&zip=90210&order_id=ABCD1234&rdtk_event_id=")
			})
		}
	}
}

// benchHTTP sends b.N GET requests to prefix+N over benchConns connections
// and reports them per second; any reply but 200 fails the benchmark.
func benchHTTP(b *testing.B, prefix string) {
	tr := &http.Transport{MaxConnsPerHost: benchConns, MaxIdleConnsPerHost: benchConns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var n, failed atomic.Int64
	var firstErr atomic.Value
	b.SetParallelism((benchConns + 1) / 2) // × GOMAXPROCS (2 here) goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(prefix + strconv.FormatInt(n.Add(1), 10))
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, fmt.Sprint("status ", resp.StatusCode))
			}
		}
	})
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d postbacks failed, first: %v", f, b.N, firstErr.Load())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "postbacks/s")
}

// servePlain200 serves a handler that answers every request 200 with a
// small JSON body, on 127.0.0.1, until the benchmark ends.
func servePlain200(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`+"\n")
	})}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// benchClick records a click on campaign "camp" and returns its id.
func benchClick(b *testing.B, srv *tracker.Server) string {
	resp, err := srv.Client().Get(srv.URL + "/camp?format=json")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ ClickID string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.ClickID == "" {
		b.Fatalf("click: %d %v", resp.StatusCode, err)
	}
	return out.ClickID
}
