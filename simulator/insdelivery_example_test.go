package simulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ins"
)

func ExampleINSSender_Send() {
	// A receiver that fails once, then opens the notification with the
	// shared secret and accepts it.
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "db down", http.StatusInternalServerError)
			return
		}
		env, _ := io.ReadAll(r.Body)
		plain, err := ins.Decode(env, "MYSECRETKEY42")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n, _ := ins.Parse(plain)
		fmt.Fprintf(w, "got %s %s attempt %d", n.TransactionType, n.Role, n.AttemptCount)
	}))
	defer srv.Close()

	ns, _ := ins.Build(ins.Order{Type: ins.Sale, Time: simulator.DefaultTime, Receipt: "ABCD1234", Vendor: "ven01",
		Items: []ins.Item{{No: "sku-1", Title: "Guide", Price: 4700}}})
	s := &simulator.INSSender{TimeFactor: 1e-5} // 4 h between attempts becomes 144 ms
	ds, err := s.Send(context.Background(), simulator.INSTarget{URLs: []string{srv.URL}, Secret: "MYSECRETKEY42"}, ns)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range ds[0].Attempts {
		fmt.Printf("attempt %d: %d %q\n", a.N, a.Status, a.Body)
	}
	fmt.Println("delivered:", ds[0].Delivered, "after waiting", ds[0].Waits[0].Round(time.Millisecond))
	// Output:
	// attempt 1: 500 "db down\n"
	// attempt 2: 200 "got SALE VENDOR attempt 2"
	// delivered: true after waiting 144ms
}
