package storefront_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/control"
	"github.com/cbsim/cbsim/simulator/storefront"
)

var _ control.Front = (*storefront.Store)(nil)

// TestBesideTheControlAPI mounts the store in the control API as `cbsim
// serve` does: a buyer without the token walks the store, the API stays
// behind its token.
func TestBesideTheControlAPI(t *testing.T) {
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	sim := simulator.New(c, nil)
	h := control.NewHandler(sim, 1, control.WithToken("s3cret"), control.WithFront(storefront.New(sim, storefront.Options{Seed: 1})))
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	get := func(path string) (int, string) {
		t.Helper()
		res, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, body := get("/hop?affiliate=aff01&vendor=ven01&tid=t1"); status != 200 || !strings.Contains(body, `id="buy-KETO-FE"`) {
		t.Fatalf("hop through the control handler: %d\n%s", status, body)
	}
	if status, body := get("/pay/ven01?cbitems=KETO-FE"); status != 200 || !strings.Contains(body, "Referred by affiliate aff01") {
		t.Fatalf("order form through the control handler: %d\n%s", status, body)
	}
	if status, _ := get("/journal"); status != http.StatusUnauthorized {
		t.Errorf("GET /journal without the token: %d, want 401 (the API keeps its guard)", status)
	}
}
