package storefront_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/storefront"
)

// A buyer's click on a hoplink: the store records the hop and redirects
// to the vendor's sales page with the hop id, the affiliate and the TID.
func ExampleNew() {
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		panic(err)
	}
	store := storefront.New(simulator.New(c, nil), storefront.Options{Seed: 1})
	srv := httptest.NewServer(store)
	defer srv.Close()

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(srv.URL + "/hop?affiliate=aff01&vendor=ven01&tid=abc_123")
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	fmt.Println(res.StatusCode, loc.Path, loc.Query().Get("affiliate"), loc.Query().Get("tid"))
	fmt.Println(res.Cookies()[0].Name, res.Cookies()[0].Value == loc.Query().Get("hopId"))
	// Output:
	// 302 /vendor/ven01/ aff01 abc_123
	// cbhop_ven01 true
}
