package faketracker

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// t0 is the tests' starting time.
var t0 = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// clock is a settable clock for a fake's Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on by d.
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a GET with headers given as "Name: value" strings.
func do(t *testing.T, c *http.Client, url string, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(k, strings.TrimSpace(v))
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

// check is one expectation on a response.
type check func(t *testing.T, r response)

func hasStatus(want int) check {
	return func(t *testing.T, r response) {
		t.Helper()
		if r.status != want {
			t.Errorf("status %d, want %d (body %q)", r.status, want, r.body)
		}
	}
}

func hasBody(want string) check {
	return func(t *testing.T, r response) {
		t.Helper()
		if r.body != want {
			t.Errorf("body %q, want %q", r.body, want)
		}
	}
}

func hasHeader(name, want string) check {
	return func(t *testing.T, r response) {
		t.Helper()
		if got := r.header.Get(name); got != want {
			t.Errorf("header %s %q, want %q", name, got, want)
		}
	}
}

// hasJSON compares the body with want as data, not as text.
func hasJSON(want string) check {
	return func(t *testing.T, r response) {
		t.Helper()
		var got, exp any
		if err := json.Unmarshal([]byte(r.body), &got); err != nil {
			t.Fatalf("body is not JSON: %v: %q", err, r.body)
		}
		if err := json.Unmarshal([]byte(want), &exp); err != nil {
			t.Fatalf("bad expectation %q: %v", want, err)
		}
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("body %s, want %s", r.body, want)
		}
	}
}

func runChecks(t *testing.T, r response, checks ...check) {
	t.Helper()
	for _, c := range checks {
		c(t, r)
	}
}

// decode reads a JSON body into v.
func decode(t *testing.T, r response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}
